package io.ikeseal.agent.dataplane;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.ikeseal.agent.config.DataPlaneConfig;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.wire.TrafficSelector;
import io.ikeseal.hsm.api.HostKey;

/**
 * Two data planes back to back, A (the initiator, 192.0.2.1, 10.1.0.0/16 and fd01::/64 behind it) and B (the
 * responder, 192.0.2.2, 10.2.0.0/16 and fd02::/64): each with a fake TUN queue, fake routes and a {@link Wire} whose
 * datagrams the test delivers to the other side.
 */
final class Gateways implements AutoCloseable {
    static final ChildSuite AES_GCM_256 = new ChildSuite(
            new ProtectionSuite(EncryptionAlgorithm.ENCR_AES_GCM_16, 256, IntegrityAlgorithm.NONE), null, false);
    static final DataPlaneConfig CONFIG = new DataPlaneConfig(DataPlaneConfig.Mode.USERSPACE, "ikeseal0", 1400, 64, 1);
    static final InetSocketAddress A_ADDRESS = socket("192.0.2.1");
    static final InetSocketAddress B_ADDRESS = socket("192.0.2.2");

    final EspHalves halves;
    final FakeTun tunA = new FakeTun();
    final FakeTun tunB = new FakeTun();
    final FakeRoutes routesA = new FakeRoutes();
    final FakeRoutes routesB = new FakeRoutes();
    final Wire wireA = new Wire();
    final Wire wireB = new Wire();
    final UserspaceDataPlane a;
    final UserspaceDataPlane b;

    Gateways(EspHalves halves) {
        this.halves = halves;
        a = new UserspaceDataPlane(CONFIG, List.of(tunA), routesA, wireA, halves);
        b = new UserspaceDataPlane(CONFIG, List.of(tunB), routesB, wireB, halves);
        a.start();
        b.start();
    }

    /** Records for one CHILD_SA as A and as B see it: A's outbound SPI is B's inbound SPI and so on. */
    record Pair(ChildSaRecord atA, ChildSaRecord atB) {}

    /** A CHILD_SA between A's {@code local} selectors and B's {@code remote} ones, installed at both ends. */
    Pair install(int spiAtA, int spiAtB, List<TrafficSelector> aSide, List<TrafficSelector> bSide) {
        Pair p = new Pair(record(spiAtA, spiAtB, aSide, bSide, true), record(spiAtB, spiAtA, bSide, aSide, false));
        installAt(a, p.atA(), spiAtA ^ spiAtB);
        installAt(b, p.atB(), spiAtA ^ spiAtB);
        return p;
    }

    /** Installs at one end with the keys of the CHILD_SA {@code seed} names, and destroys them as the caller does. */
    static void installAt(UserspaceDataPlane plane, ChildSaRecord sa, int seed) {
        ChildSaKeys keys = keys(seed, sa.suite());
        try {
            plane.install(sa, keys);
        } finally {
            keys.destroy();
        }
    }

    /** Keys of the lengths {@code suite} takes (RFC 7296 §2.17), the same at both ends for the same seed. */
    static ChildSaKeys keys(int seed, ChildSuite suite) {
        int e = suite.protection().encryptionKeyLength();
        int a = suite.protection().integrityKeyLength();
        return new ChildSaKeys(
                key("ei", seed, 1, e), key("ai", seed, 2, a), key("er", seed, 3, e), key("ar", seed, 4, a));
    }

    private static HostKey key(String name, int seed, int which, int length) {
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) {
            k[i] = (byte) (seed * 31 + which * 7 + i);
        }
        return HostKey.adopt(name, k);
    }

    static ChildSaRecord record(
            int inbound, int outbound, List<TrafficSelector> local, List<TrafficSelector> remote, boolean initiator) {
        return record(inbound, outbound, local, remote, initiator, AES_GCM_256);
    }

    static ChildSaRecord record(
            int inbound,
            int outbound,
            List<TrafficSelector> local,
            List<TrafficSelector> remote,
            boolean initiator,
            ChildSuite suite) {
        return new ChildSaRecord(
                "site",
                "net",
                0x1111L,
                0x2222L,
                inbound,
                outbound,
                suite,
                ChildSaMode.TUNNEL,
                local,
                remote,
                initiator ? A_ADDRESS : B_ADDRESS,
                initiator ? B_ADDRESS : A_ADDRESS,
                true,
                Duration.ofHours(1),
                Instant.EPOCH,
                initiator);
    }

    static TrafficSelector ts(String start, String end) {
        return ts(start, end, 0, 0, 0xffff);
    }

    static TrafficSelector ts(String start, String end, int protocol, int startPort, int endPort) {
        return TrafficSelector.of(inet(start), inet(end), protocol, startPort, endPort);
    }

    static InetAddress inet(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static InetSocketAddress socket(String literal) {
        return new InetSocketAddress(inet(literal), 4500);
    }

    /** Routes {@code packet} into A's TUN and returns the ESP datagram A sent, or null. */
    byte[] sendFromA(byte[] packet) throws InterruptedException {
        tunA.route(packet);
        Wire.Sent s = wireA.take();
        return s == null ? null : Wire.octets(s);
    }

    byte[] sendFromB(byte[] packet) throws InterruptedException {
        tunB.route(packet);
        Wire.Sent s = wireB.take();
        return s == null ? null : Wire.octets(s);
    }

    void toB(byte[] esp) {
        Wire.deliver(esp, b, A_ADDRESS, B_ADDRESS);
    }

    void toA(byte[] esp) {
        Wire.deliver(esp, a, B_ADDRESS, A_ADDRESS);
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
