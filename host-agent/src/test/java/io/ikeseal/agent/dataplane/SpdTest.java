package io.ikeseal.agent.dataplane;

import static io.ikeseal.agent.dataplane.Gateways.ts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.TrafficSelector;

/** Compiled selectors, the outbound SPD's order, and the inbound SPI table. */
class SpdTest {
    private static InnerPacket packet(byte[] octets) {
        InnerPacket p = new InnerPacket();
        assertTrue(p.parse(ByteBuffer.wrap(octets)));
        return p;
    }

    private static boolean admitsDestination(TrafficSelector ts, byte[] octets) {
        InnerPacket p = packet(octets);
        return CompiledSelector.of(ts)
                .admits(p.version, p.destinationHigh, p.destinationLow, p.protocol, p.destinationPort);
    }

    @Test
    void addressRangesCompareUnsigned() {
        TrafficSelector high = ts("128.0.0.0", "255.255.255.254");
        assertTrue(admitsDestination(high, Packets.ipv4("10.0.0.1", "200.1.1.1", Packets.UDP, 1, 2, 0)));
        assertFalse(admitsDestination(high, Packets.ipv4("10.0.0.1", "255.255.255.255", Packets.UDP, 1, 2, 0)));
        assertFalse(admitsDestination(high, Packets.ipv4("10.0.0.1", "127.255.255.255", Packets.UDP, 1, 2, 0)));
        TrafficSelector v6 = ts("8000::", "ffff::ffff");
        assertTrue(admitsDestination(v6, Packets.ipv6("fd00::1", "ffff::1", Packets.UDP, 1, 2, 0)));
        assertFalse(admitsDestination(v6, Packets.ipv6("fd00::1", "ffff::1:0", Packets.UDP, 1, 2, 0)));
        assertFalse(admitsDestination(v6, Packets.ipv6("fd00::1", "7fff::1", Packets.UDP, 1, 2, 0)));
        assertFalse(admitsDestination(high, Packets.ipv6("fd00::1", "ffff::1", Packets.UDP, 1, 2, 0)), "family");
    }

    @Test
    void protocolAndPortsFollowRfc7296() {
        byte[] dns = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.UDP, 5000, 53, 0);
        byte[] gre = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.GRE, 0, 0, 4);
        byte[] ping = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.ICMP, 8, 0, 4);
        TrafficSelector any = ts("10.0.0.0", "10.0.0.255");
        TrafficSelector udp53 = ts("10.0.0.0", "10.0.0.255", Packets.UDP, 53, 53);
        TrafficSelector tcp = ts("10.0.0.0", "10.0.0.255", Packets.TCP, 0, 0xffff);
        TrafficSelector opaque = ts("10.0.0.0", "10.0.0.255", 0, 0xffff, 0);
        TrafficSelector echoRequest = ts("10.0.0.0", "10.0.0.255", Packets.ICMP, 0x0800, 0x08ff);
        assertTrue(admitsDestination(any, dns));
        assertTrue(admitsDestination(any, gre), "ANY ports include OPAQUE (RFC 7296 §3.13.1)");
        assertTrue(admitsDestination(udp53, dns));
        assertFalse(admitsDestination(udp53, gre));
        assertFalse(admitsDestination(tcp, dns));
        assertTrue(admitsDestination(opaque, gre));
        assertFalse(admitsDestination(opaque, dns), "OPAQUE admits only packets without ports");
        assertTrue(admitsDestination(echoRequest, ping));
        assertFalse(admitsDestination(echoRequest, Packets.ipv4("10.0.0.2", "10.0.0.1", Packets.ICMP, 0, 0, 4)));
    }

    @Test
    void theNewestPolicyWinsAndRemovalFallsBack() {
        Spd<String> spd = new Spd<>();
        CompiledSelector local = CompiledSelector.of(ts("10.1.0.0", "10.1.255.255"));
        CompiledSelector wide = CompiledSelector.of(ts("10.0.0.0", "10.255.255.255"));
        CompiledSelector narrow = CompiledSelector.of(ts("10.2.0.0", "10.2.255.255"));
        InnerPacket toNarrow = packet(Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.TCP, 1, 2, 0));
        InnerPacket toWide = packet(Packets.ipv4("10.1.0.1", "10.3.0.1", Packets.TCP, 1, 2, 0));
        InnerPacket fromElsewhere = packet(Packets.ipv4("10.3.0.1", "10.2.0.1", Packets.TCP, 1, 2, 0));

        spd.addFirst(List.of(new SpdPolicy<>(local, wide, "old")));
        assertEquals("old", spd.lookup(toNarrow));
        spd.addFirst(List.of(new SpdPolicy<>(local, narrow, "rekeyed")));
        assertEquals("rekeyed", spd.lookup(toNarrow), "the newest SA takes over at its install");
        assertEquals("old", spd.lookup(toWide));
        assertNull(spd.lookup(fromElsewhere));
        spd.remove("rekeyed");
        assertEquals("old", spd.lookup(toNarrow));
        assertEquals(1, spd.size());
        spd.clear();
        assertNull(spd.lookup(toWide));
    }

    @Test
    void theSpiTableFindsWhatWasPutAndNothingElse() {
        SpiTable<Integer> table = new SpiTable<>();
        Map<Integer, Integer> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 300; i++) {
            int spi = i % 3 == 0 ? i : random.nextInt(); // sequential SPIs and random ones, negative too
            table.put(spi, i);
            expected.put(spi, i);
            if (i % 7 == 0) {
                int gone = expected.keySet().iterator().next();
                table.remove(gone);
                expected.remove(gone);
            }
        }
        for (Map.Entry<Integer, Integer> e : expected.entrySet()) {
            assertEquals(e.getValue(), table.get(e.getKey()));
        }
        assertEquals(expected.size(), table.values().size());
        for (int i = 0; i < 1000; i++) {
            int spi = random.nextInt();
            assertEquals(expected.get(spi), table.get(spi));
        }
        table.put(5, 1);
        table.put(5, 2);
        assertEquals(2, table.get(5), "put replaces");
        table.clear();
        assertNull(table.get(5));
    }
}
