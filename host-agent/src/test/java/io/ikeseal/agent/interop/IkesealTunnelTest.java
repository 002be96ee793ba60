package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.testhsm.TwoSites;

/**
 * Two ikeseal gateways, each {@code ikeseal run} in its own network namespace with the userspace data plane (ESP in
 * UDP on the NAT-T port, IP packets through TUN iks0), carry traffic between 10.1.0.0/24 and 10.2.0.0/24 (issue 11,
 * "Tests that must exist"): ICMP echo both ways, a TCP transfer of several MB with its content checked, the counters
 * both print as the CHILD_SA is deleted agree with each other and with what was sent, and a packet from an address
 * outside the local traffic selectors does not cross.
 */
class IkesealTunnelTest {
    /** A ping's IP packet: 20 octets IPv4 header, 8 ICMP header, 56 data (ping's default). */
    private static final int PING_PACKET = 84;

    private static final long TRANSFER = 8L << 20;
    private static final String OUTSIDE = "10.9.0.1";

    @TempDir
    static Path dir;

    private static TestDeployment deployment;

    @BeforeAll
    static void tokens() throws Exception {
        deployment = TestDeployment.create(Files.createDirectory(dir.resolve("tokens")));
    }

    @AfterAll
    static void closeTokens() {
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    void pingCrossesBothWaysAndOnlyFromInsideTheSelectors() throws Exception {
        Path out = Files.createDirectory(dir.resolve("ping"));
        try (TwoSites sites = TwoSites.create("ikt")) {
            sites.left().ipInside("addr", "add", OUTSIDE + "/32", "dev", "lo");
            ChildSaTraffic[] traffic = tunnel(sites, out, () -> {
                TwoSites.ping(sites.left(), TwoSites.LEFT_HOST, TwoSites.RIGHT_HOST, 3);
                TwoSites.ping(sites.right(), TwoSites.RIGHT_HOST, TwoSites.LEFT_HOST, 3);
                assertFalse(
                        TwoSites.answers(sites.left(), OUTSIDE, TwoSites.RIGHT_HOST),
                        "10.9.0.1 is outside the local selectors: its echo request must not cross");
            });
            // exactly the six echo requests and replies each way (awaitTunnel's probes are counted too): the
            // request from 10.9.0.1 went nowhere
            ChildSaTraffic left = traffic[0];
            ChildSaTraffic right = traffic[1];
            assertEquals(left.outboundPackets(), right.inboundPackets(), () -> left + " vs " + right);
            assertEquals(right.outboundPackets(), left.inboundPackets(), () -> left + " vs " + right);
            assertEquals(left.outboundOctets(), right.inboundOctets(), () -> left + " vs " + right);
            assertEquals(right.outboundOctets(), left.inboundOctets(), () -> left + " vs " + right);
            long probes = left.outboundPackets() - 6;
            assertTrue(probes >= 1 && probes <= 200, () -> "left sent " + left);
            assertEquals(6 + probes, right.outboundPackets(), () -> "each probe and ping answered once: " + right);
            assertEquals(left.outboundPackets() * PING_PACKET, left.outboundOctets(), left::toString);
        }
    }

    @Test
    void tcpTransferArrivesIntactAndTheCountersAgree() throws Exception {
        Path out = Files.createDirectory(dir.resolve("tcp"));
        try (TwoSites sites = TwoSites.create("ikt")) {
            ChildSaTraffic[] traffic = tunnel(sites, out, () -> {
                TunnelGateways.transfer(
                        sites.left(), TwoSites.LEFT_HOST, sites.right(), TwoSites.RIGHT_HOST, TRANSFER, out);
                TunnelGateways.transfer(
                        sites.right(), TwoSites.RIGHT_HOST, sites.left(), TwoSites.LEFT_HOST, TRANSFER / 4, out);
            });
            ChildSaTraffic left = traffic[0];
            ChildSaTraffic right = traffic[1];
            // a full socket buffer may drop ESP datagrams under a TCP burst (TCP sends them again): what arrived is
            // at most what was sent, and every octet of the data arrived, in IP packets no larger than the TUN's MTU
            assertTrue(right.inboundPackets() <= left.outboundPackets(), () -> left + " vs " + right);
            assertTrue(right.inboundOctets() <= left.outboundOctets(), () -> left + " vs " + right);
            assertTrue(left.inboundPackets() <= right.outboundPackets(), () -> left + " vs " + right);
            assertTrue(left.inboundOctets() <= right.outboundOctets(), () -> left + " vs " + right);
            assertTrue(right.inboundOctets() > TRANSFER, right::toString);
            assertTrue(right.inboundPackets() >= TRANSFER / 1400, right::toString);
            assertTrue(left.inboundOctets() > TRANSFER / 4, left::toString);
            assertTrue(left.inboundPackets() >= TRANSFER / 4 / 1400, left::toString);
        }
    }

    /**
     * Starts the right gateway (responder), then the left (initiates at start), waits for the tunnel, runs {@code
     * traffic}, stops left (it deletes the IKE SA and its CHILD_SA, printing the traffic) and right (which printed its
     * own on the Delete); returns {left's, right's} traffic.
     */
    private static ChildSaTraffic[] tunnel(TwoSites sites, Path out, Traffic traffic) throws Exception {
        try (NamespaceProcess right =
                        TunnelGateways.run("right", sites.right(), deployment, TunnelGateways.yaml(false, false), out);
                NamespaceProcess left =
                        TunnelGateways.run("left", sites.left(), deployment, TunnelGateways.yaml(true, true), out)) {
            left.await("CHILD_SA established", TunnelGateways.ESTABLISH);
            right.await("CHILD_SA established", TunnelGateways.ESTABLISH);
            try {
                TunnelGateways.awaitTunnel(sites);
                traffic.run();
            } catch (RuntimeException | Error e) {
                e.addSuppressed(new AssertionError("left:\n" + left.output() + "\nright:\n" + right.output()));
                throw e;
            }
            assertEquals(0, left.stop(TunnelGateways.STOP), left::output);
            right.await("CHILD_SA deleted", TunnelGateways.STOP);
            assertEquals(0, right.stop(TunnelGateways.STOP), right::output);
            return new ChildSaTraffic[] {TunnelGateways.traffic(left.output()), TunnelGateways.traffic(right.output())};
        }
    }

    @FunctionalInterface
    interface Traffic {
        void run() throws Exception;
    }
}
