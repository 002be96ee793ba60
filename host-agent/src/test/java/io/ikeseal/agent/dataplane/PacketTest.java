package io.ikeseal.agent.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The selector fields of inner packets (RFC 4301 §4.4.1.1), and no exception on any octets. */
class PacketTest {
    private final InnerPacket p = new InnerPacket();

    private boolean parse(byte[] packet) {
        return p.parse(ByteBuffer.wrap(packet));
    }

    @Test
    void ipv4TcpGivesAddressesProtocolAndPorts() {
        byte[] packet = Packets.ipv4("10.1.2.3", "192.168.255.254", Packets.TCP, 40000, 443, 10);
        assertTrue(parse(packet));
        assertEquals(4, p.version);
        assertEquals(packet.length, p.length);
        assertEquals(Packets.TCP, p.protocol);
        assertEquals(0x0a010203L, p.sourceLow);
        assertEquals(0xc0a8fffeL, p.destinationLow, "an unsigned address");
        assertEquals(0, p.sourceHigh);
        assertEquals(40000, p.sourcePort);
        assertEquals(443, p.destinationPort);
    }

    @Test
    void icmpTypeAndCodeAreItsPorts() {
        assertTrue(parse(Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.ICMP, 8, 0, 56)));
        assertEquals(0x0800, p.sourcePort);
        assertEquals(0x0800, p.destinationPort);
        assertTrue(parse(Packets.ipv6("fd00::1", "fd00::2", Packets.ICMPV6, 128, 0, 56)));
        assertEquals(0x8000, p.sourcePort);
    }

    @Test
    void protocolsWithoutPortsAndLaterFragmentsHaveOpaquePorts() {
        assertTrue(parse(Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.GRE, 0, 0, 24)));
        assertEquals(InnerPacket.OPAQUE, p.sourcePort);
        byte[] fragment = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.UDP, 1, 2, 24);
        fragment[7] = 100; // fragment offset 100 × 8: the UDP header is in the first fragment
        assertTrue(parse(fragment));
        assertEquals(InnerPacket.OPAQUE, p.destinationPort);
    }

    @Test
    void ipv6ExtensionHeadersAreSkippedToTheProtocol() {
        byte[] udp = Packets.ipv6("fd00::1", "ffff::2", Packets.UDP, 1000, 2000, 20);
        // Hop-by-Hop (8 octets) then Fragment (8 octets, first fragment) before UDP.
        ByteBuffer b = ByteBuffer.allocate(udp.length + 16);
        b.put(udp, 0, 40).put(Packets.UDP == 17 ? (byte) 44 : 0).put((byte) 0).put(new byte[6]);
        b.put((byte) 17).put((byte) 0).putShort((short) 0).putInt(0x1234);
        b.put(udp, 40, udp.length - 40);
        byte[] packet = b.array();
        packet[6] = 0; // Next Header: Hop-by-Hop
        ByteBuffer.wrap(packet).putShort(4, (short) (packet.length - 40));
        assertTrue(parse(packet));
        assertEquals(6, p.version);
        assertEquals(Packets.UDP, p.protocol);
        assertEquals(1000, p.sourcePort);
        assertEquals(2000, p.destinationPort);
        assertEquals(0xffff_0000_0000_0000L, p.destinationHigh);
        assertEquals(2, p.destinationLow);

        ByteBuffer.wrap(packet).putShort(40 + 8 + 2, (short) 0x0100); // a later fragment: no ports
        assertTrue(parse(packet));
        assertEquals(InnerPacket.OPAQUE, p.sourcePort);
    }

    @Test
    void trailingOctetsAreTfcPaddingNotPartOfThePacket() {
        byte[] packet = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.UDP, 1, 2, 10);
        assertTrue(parse(Arrays.copyOf(packet, packet.length + 30)));
        assertEquals(packet.length, p.length);
    }

    @Test
    void malformedPacketsAreRefused() {
        byte[] v4 = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.TCP, 1, 2, 0);
        assertFalse(parse(new byte[0]));
        assertFalse(parse(Arrays.copyOf(v4, 19)), "shorter than a header");
        assertFalse(parse(Arrays.copyOf(v4, v4.length - 1)), "Total Length beyond the octets");
        byte[] shortIhl = v4.clone();
        shortIhl[0] = 0x44;
        assertFalse(parse(shortIhl));
        byte[] noPorts = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.GRE, 0, 0, 2);
        noPorts[9] = Packets.TCP;
        assertFalse(parse(noPorts), "TCP without room for its ports");
        byte[] v5 = v4.clone();
        v5[0] = 0x55;
        assertFalse(parse(v5));
        byte[] v6 = Packets.ipv6("fd00::1", "fd00::2", Packets.UDP, 1, 2, 0);
        assertFalse(parse(Arrays.copyOf(v6, v6.length - 1)));
    }

    @Test
    void noOctetsMakeItThrow() {
        SplittableRandom random = new SplittableRandom(11);
        byte[] seed4 = Packets.ipv4("10.0.0.1", "10.0.0.2", Packets.UDP, 1, 2, 30);
        byte[] seed6 = Packets.ipv6("fd00::1", "fd00::2", Packets.UDP, 1, 2, 30);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = (i % 2 == 0 ? seed4 : seed6).clone();
            for (int k = random.nextInt(1, 6); k > 0; k--) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            byte[] cut = Arrays.copyOf(b, random.nextInt(b.length + 1));
            p.parse(ByteBuffer.wrap(cut)); // any verdict, never an exception
        }
    }
}
