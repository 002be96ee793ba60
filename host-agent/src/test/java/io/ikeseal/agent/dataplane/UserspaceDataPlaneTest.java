package io.ikeseal.agent.dataplane;

import static io.ikeseal.agent.dataplane.Gateways.ts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.ikeseal.agent.esp.EspDrop;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.wire.TrafficSelector;

/**
 * Two data planes back to back through in-memory TUN queues and wires: what one TUN reads arrives byte for byte at
 * the other's; selectors pick the SA outbound and bound it inbound; everything else is a counted drop.
 */
class UserspaceDataPlaneTest {
    private static final List<TrafficSelector> SITE_A =
            List.of(ts("10.1.0.0", "10.1.255.255"), ts("fd01::", "fd01::ffff:ffff:ffff:ffff"));
    private static final List<TrafficSelector> SITE_B =
            List.of(ts("10.2.0.0", "10.2.255.255"), ts("fd02::", "fd02::ffff:ffff:ffff:ffff"));

    /** The real ESP transforms (AES-GCM-256); {@link PassThroughEsp} only where a test steers the halves. */
    private static EspHalves transforms() {
        return EspHalves.TRANSFORMS;
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 2 s");
    }

    @Test
    void ipv4AndIpv6CrossBothWaysByteIdenticalAndCounted() throws Exception {
        try (Gateways g = new Gateways(transforms())) {
            Gateways.Pair sa = g.install(0x0a0a0a01, 0x0b0b0b01, SITE_A, SITE_B);
            byte[] tcp = Packets.ipv4("10.1.0.5", "10.2.0.7", Packets.TCP, 40000, 80, 1000);
            byte[] udp6 = Packets.ipv6("fd01::5", "fd02::7", Packets.UDP, 5000, 53, 300);
            byte[] icmp = Packets.ipv4("10.2.0.7", "10.1.0.5", Packets.ICMP, 0, 0, 56);

            byte[] esp = g.sendFromA(tcp);
            assertEquals(0x0b0b0b01, ByteBuffer.wrap(esp).getInt(), "sent under B's SPI");
            g.toB(esp);
            assertArrayEquals(tcp, g.tunB.next());
            g.toB(g.sendFromA(udp6));
            assertArrayEquals(udp6, g.tunB.next());
            g.toA(g.sendFromB(icmp));
            assertArrayEquals(icmp, g.tunA.next());

            assertEquals(new ChildSaTraffic(1, icmp.length, 2, tcp.length + udp6.length), g.a.traffic(sa.atA()));
            assertEquals(new ChildSaTraffic(2, tcp.length + udp6.length, 1, icmp.length), g.b.traffic(sa.atB()));
            assertEquals("no drops", g.a.counters().describe());
            assertEquals("no drops", g.b.counters().describe());
            assertEquals(SITE_B.stream().map(TrafficSelector::toString).toList(), g.routesA.routes);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"20/128/0/esn", "28/256/0/", "12/256/12/", "12/128/14/esn"})
    void everySuiteCarriesTrafficWithTheRightKeyHalves(String transforms) throws Exception {
        // ENCR id / key bits / INTEG id / ESN: AES-GCM-16, ChaCha20-Poly1305, AES-CBC with HMAC-SHA2-256 and -512.
        int[] ids = new int[3];
        int at = 0;
        for (int i = 0; i < 3; i++) {
            int slash = transforms.indexOf('/', at);
            ids[i] = Integer.parseInt(transforms.substring(at, slash));
            at = slash + 1;
        }
        ChildSuite suite = new ChildSuite(ProtectionSuite.of(ids[0], ids[1], ids[2]), null, transforms.endsWith("esn"));
        try (Gateways g = new Gateways(transforms())) {
            Gateways.installAt(g.a, Gateways.record(0x100, 0x200, SITE_A, SITE_B, true, suite), 3);
            Gateways.installAt(g.b, Gateways.record(0x200, 0x100, SITE_B, SITE_A, false, suite), 3);
            for (int size : new int[] {0, 1, 15, 16, 17, 1000}) {
                byte[] there = Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, size);
                g.toB(g.sendFromA(there));
                assertArrayEquals(there, g.tunB.next(), suite + ", " + size + " octets");
                byte[] back = Packets.ipv6("fd02::1", "fd01::1", Packets.UDP, 2, 1, size);
                g.toA(g.sendFromB(back));
                assertArrayEquals(back, g.tunA.next(), suite + ", " + size + " octets back");
            }
            assertEquals("no drops", g.a.counters().describe());
            assertEquals("no drops", g.b.counters().describe());
        }
    }

    @Test
    void theSpdPicksTheSaBySelectors() throws Exception {
        try (Gateways g = new Gateways(transforms())) {
            g.install(0x100, 0x200, List.of(ts("10.1.0.0", "10.1.255.255")), List.of(ts("10.2.0.0", "10.2.255.255")));
            g.install(0x101, 0x201, List.of(ts("10.1.0.0", "10.1.255.255")), List.of(ts("10.3.0.0", "10.3.255.255")));
            g.install(
                    0x102,
                    0x202,
                    List.of(ts("10.1.0.0", "10.1.255.255", Packets.TCP, 0, 0xffff)),
                    List.of(ts("10.4.0.0", "10.4.255.255", Packets.TCP, 443, 443)));

            assertEquals(0x200, spiOf(g.sendFromA(Packets.ipv4("10.1.0.1", "10.2.9.9", Packets.UDP, 1, 2, 10))));
            assertEquals(0x201, spiOf(g.sendFromA(Packets.ipv4("10.1.0.1", "10.3.9.9", Packets.UDP, 1, 2, 10))));
            assertEquals(0x202, spiOf(g.sendFromA(Packets.ipv4("10.1.0.1", "10.4.9.9", Packets.TCP, 999, 443, 10))));

            g.tunA.route(Packets.ipv4("10.1.0.1", "10.4.9.9", Packets.TCP, 999, 80, 10)); // port outside
            g.tunA.route(Packets.ipv4("10.1.0.1", "10.9.9.9", Packets.UDP, 1, 2, 10)); // no SA for 10.9/16
            g.tunA.route(Packets.ipv4("10.7.0.1", "10.2.9.9", Packets.UDP, 1, 2, 10)); // source not ours
            g.tunA.route(Packets.ipv6("fd01::1", "fd02::1", Packets.UDP, 1, 2, 10)); // no IPv6 SA
            await(() -> g.a.counters().dropped(EspDrop.NO_OUTBOUND_SA) == 4);
            assertNull(g.wireA.sent.poll());
        }
    }

    @Test
    void malformedAndOversizedInnerPacketsAreCounted() throws Exception {
        try (Gateways g = new Gateways(transforms())) {
            g.install(0x100, 0x200, SITE_A, SITE_B);
            g.tunA.route(new byte[] {0x45, 0, 0});
            g.tunA.route(new byte[] {0x15, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            g.tunA.route(Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, Gateways.CONFIG.mtu()));
            await(() -> g.a.counters().dropped(EspDrop.MALFORMED_INNER) == 2
                    && g.a.counters().dropped(EspDrop.TOO_BIG) == 1);
            assertNull(g.wireA.sent.poll());
        }
    }

    @Test
    void anInnerPacketOutsideTheSasSelectorsIsAPolicyMismatch() throws Exception {
        try (Gateways g = new Gateways(transforms())) {
            // A believes the SA covers 10.0.0.0/8; B installed it for 10.2.0.0/16 only (RFC 4301 §5.2 step 4).
            ChildSaRecord atA = Gateways.record(
                    0x100,
                    0x200,
                    List.of(ts("10.1.0.0", "10.1.255.255")),
                    List.of(ts("10.0.0.0", "10.255.255.255")),
                    true);
            ChildSaRecord atB = Gateways.record(
                    0x200,
                    0x100,
                    List.of(ts("10.2.0.0", "10.2.255.255")),
                    List.of(ts("10.1.0.0", "10.1.255.255")),
                    false);
            Gateways.installAt(g.a, atA, 7);
            Gateways.installAt(g.b, atB, 7);

            g.toB(g.sendFromA(Packets.ipv4("10.1.0.1", "10.9.0.1", Packets.UDP, 1, 2, 10)));
            g.toB(g.sendFromA(Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, 10)));
            assertNotNull(g.tunB.next());
            assertEquals(1, g.b.counters().dropped(EspDrop.POLICY_MISMATCH));
            assertTrue(g.tunB.delivered.isEmpty());
        }
    }

    @Test
    void unknownSpiReplayBitFlipsAndTruncationsAreCountedDrops() throws Exception {
        try (Gateways g = new Gateways(transforms())) {
            g.install(0x100, 0x200, SITE_A, SITE_B);
            byte[] packet = Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, 100);
            byte[] esp = g.sendFromA(packet);

            byte[] unknown = esp.clone();
            unknown[3] ^= 1;
            g.toB(unknown);
            assertEquals(1, g.b.counters().dropped(EspDrop.UNKNOWN_SPI));

            byte[] flipped = esp.clone();
            flipped[40] ^= 0x10;
            g.toB(flipped);
            assertEquals(1, g.b.counters().dropped(EspDrop.BAD_ICV));

            g.toB(Arrays.copyOf(esp, 4)); // not even an SPI and a sequence number
            g.toB(Arrays.copyOf(esp, 8));
            g.toB(Arrays.copyOf(esp, esp.length - 1));
            assertTrue(
                    g.b.counters().dropped(EspDrop.TRUNCATED) >= 2,
                    g.b.counters().describe());
            assertEquals(
                    4,
                    g.b.counters().dropped(EspDrop.TRUNCATED)
                            + g.b.counters().dropped(EspDrop.BAD_ICV)
                            + g.b.counters().dropped(EspDrop.BAD_PADDING),
                    g.b.counters().describe());

            g.toB(esp);
            assertArrayEquals(packet, g.tunB.next());
            g.toB(esp);
            assertEquals(1, g.b.counters().dropped(EspDrop.REPLAY));
            assertTrue(g.tunB.delivered.isEmpty(), "only the genuine packet arrived");
            assertEquals(
                    1,
                    g.b.traffic(Gateways.record(0x200, 0x100, SITE_B, SITE_A, false))
                            .inboundPackets());
        }
    }

    @Test
    void aRekeySwitchesOutboundAtInstallAndLosesNothingInFlight() throws Exception {
        try (Gateways g = new Gateways(transforms())) {
            Gateways.Pair old = g.install(0x100, 0x200, SITE_A, SITE_B);
            List<byte[]> sent = new ArrayList<>();
            List<byte[]> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, 10 + i));
                inFlight.add(g.sendFromA(sent.get(i)));
            }
            byte[] lateOld = g.sendFromA(Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, 99));

            Gateways.Pair rekeyed = g.install(0x101, 0x201, SITE_A, SITE_B); // RFC 7296 §2.8: both installed
            for (int i = 3; i < 6; i++) {
                sent.add(Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, 10 + i));
                byte[] esp = g.sendFromA(sent.get(i));
                assertEquals(0x201, spiOf(esp), "outbound switched to the new SA at its install");
                inFlight.add(esp);
            }
            for (byte[] esp : inFlight.reversed()) { // the new SA's packets overtake the old SA's
                g.toB(esp);
            }
            List<byte[]> arrived = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                arrived.add(g.tunB.next());
            }
            for (int i = 0; i < 6; i++) {
                assertArrayEquals(sent.get(i), arrived.get(5 - i));
            }
            assertEquals(3, g.b.traffic(old.atB()).inboundPackets());
            assertEquals(3, g.b.traffic(rekeyed.atB()).inboundPackets());

            g.a.remove(old.atA());
            g.b.remove(old.atB());
            g.toB(lateOld);
            assertEquals(1, g.b.counters().dropped(EspDrop.UNKNOWN_SPI), "the old SA is gone after its Delete");
            assertEquals(ChildSaTraffic.NONE, g.b.traffic(old.atB()));
            assertEquals(2, g.routesB.routes.size(), "the new SA still routes the same remote selectors");
            g.b.remove(rekeyed.atB());
            assertTrue(g.routesB.routes.isEmpty(), "routes go with the last SA that used them");
        }
    }

    @Test
    void closeDestroysEveryHalfStopsTheReadersAndRemovesTheRoutes() throws Exception {
        PassThroughEsp esp = new PassThroughEsp();
        Gateways g = new Gateways(esp);
        g.install(0x100, 0x200, SITE_A, SITE_B);
        g.install(0x101, 0x201, SITE_A, SITE_B);
        assertEquals(8, esp.made.get());
        g.a.remove(Gateways.record(0x100, 0x200, SITE_A, SITE_B, true));
        assertEquals(2, esp.destroyed.get());

        g.close();
        assertEquals(8, esp.destroyed.get(), "every half's keys zeroed");
        assertTrue(g.tunA.closed && g.tunB.closed);
        assertTrue(g.routesA.closed && g.routesA.routes.isEmpty());
        assertFalse(g.a.readersAlive());
        assertFalse(g.b.readersAlive());
        g.close(); // idempotent
        assertEquals(8, esp.destroyed.get());
        ChildSaRecord late = Gateways.record(0x102, 0x202, SITE_A, SITE_B, true);
        assertThrows(IllegalStateException.class, () -> Gateways.installAt(g.a, late, 1));
        assertEquals(esp.made.get(), esp.destroyed.get(), "a refused install destroys what it made");
    }

    @Test
    void transportModeIsRefusedNamingIt() {
        try (Gateways g = new Gateways(transforms())) {
            ChildSaRecord tunnel = Gateways.record(0x100, 0x200, SITE_A, SITE_B, true);
            ChildSaRecord transport = new ChildSaRecord(
                    tunnel.connection(),
                    tunnel.name(),
                    tunnel.ikeSpiI(),
                    tunnel.ikeSpiR(),
                    tunnel.inboundSpi(),
                    tunnel.outboundSpi(),
                    tunnel.suite(),
                    ChildSaMode.TRANSPORT,
                    tunnel.localTs(),
                    tunnel.remoteTs(),
                    tunnel.local(),
                    tunnel.remote(),
                    true,
                    tunnel.lifetime(),
                    tunnel.established(),
                    true);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Gateways.installAt(g.a, transport, 1));
            assertTrue(e.getMessage().contains("transport mode"), e.getMessage());
            assertTrue(g.routesA.routes.isEmpty());
        }
    }

    @Test
    void failuresAreCountedAndTheReaderCarriesOn() throws Exception {
        PassThroughEsp esp = new PassThroughEsp();
        try (Gateways g = new Gateways(esp)) {
            g.install(0x100, 0x200, SITE_A, SITE_B);
            byte[] packet = Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 1, 2, 10);
            esp.throwOnSeal = true;
            g.tunA.route(packet);
            await(() -> g.a.counters().internalErrors() == 1);
            byte[] sealed = g.sendFromA(packet);
            assertNotNull(sealed, "the reader survived");

            g.wireA.refuse = true;
            g.tunA.route(packet);
            await(() -> g.a.counters().unsent() == 1);

            g.tunB.failWrites = true;
            g.toB(sealed);
            assertEquals(1, g.b.counters().tunWriteFailures());
            assertEquals("UNSENT 1, INTERNAL_ERROR 1", g.a.counters().describe());
        }
    }

    private static int spiOf(byte[] esp) {
        return ByteBuffer.wrap(esp).getInt();
    }
}
