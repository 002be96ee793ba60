package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.testhsm.TwoSites;
import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.CharonOptions;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.ChildSa;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.IkeSa;
import io.ikeseal.testhsm.strongswan.SwanctlConf;

/**
 * strongSwan's charon with kernel-libipsec (ESP in UDP over its TUN ipsec0) in the left site, {@code ikeseal run}
 * with the userspace data plane in the right, each in its own network namespace (issue 11): with charon initiating
 * and with ikeseal initiating, ICMP echo crosses both ways and a TCP transfer arrives intact, and what ikeseal counted
 * for the CHILD_SA fits what charon counted for it.
 */
class CharonTunnelInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final long TRANSFER = 3L << 20;

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
    void charonInitiatesAndTrafficCrossesBothWays() throws Exception {
        crossBothWays("charon-initiates", true);
    }

    @Test
    void ikesealInitiatesAndTrafficCrossesBothWays() throws Exception {
        crossBothWays("ikeseal-initiates", false);
    }

    private static void crossBothWays(String name, boolean charonInitiates) throws Exception {
        Path out = Files.createDirectory(dir.resolve(name));
        try (TwoSites sites = TwoSites.create("ckt");
                Charon charon = loaded(
                        Charon.start(out, "left", CharonOptions.defaults().inNamespace(sites.left())));
                NamespaceProcess ikeseal = TunnelGateways.run(
                        "right", sites.right(), deployment, TunnelGateways.yaml(false, !charonInitiates), out)) {
            if (charonInitiates) {
                charon.initiate("net", TIMEOUT).orThrow();
            }
            ikeseal.await("CHILD_SA established", TunnelGateways.ESTABLISH);
            ChildSa child;
            try {
                TunnelGateways.awaitTunnel(sites);
                TwoSites.ping(sites.left(), TwoSites.LEFT_HOST, TwoSites.RIGHT_HOST, 3);
                TwoSites.ping(sites.right(), TwoSites.RIGHT_HOST, TwoSites.LEFT_HOST, 3);
                if (charonInitiates) {
                    TunnelGateways.transfer(
                            sites.left(), TwoSites.LEFT_HOST, sites.right(), TwoSites.RIGHT_HOST, TRANSFER, out);
                } else {
                    TunnelGateways.transfer(
                            sites.right(), TwoSites.RIGHT_HOST, sites.left(), TwoSites.LEFT_HOST, TRANSFER, out);
                }
                IkeSa sa = charon.awaitIkeSa(IkeSa::established, TIMEOUT);
                assertEquals(charonInitiates, sa.initiator(), sa::toString);
                child = sa.children().getFirst();
            } catch (RuntimeException | Error e) {
                e.addSuppressed(
                        new AssertionError("ikeseal:\n" + ikeseal.output() + "\ncharon's log:\n" + charon.logTail(60)));
                throw e;
            }
            assertEquals(0, ikeseal.stop(TunnelGateways.STOP), ikeseal::output);
            ChildSaTraffic ours = TunnelGateways.traffic(ikeseal.output());
            long charonIn = counter(child, "packets-in");
            long charonOut = counter(child, "packets-out");
            // a full socket buffer on either side may drop an ESP datagram under a TCP burst: what one end received
            // is at most what the other sent
            assertTrue(ours.inboundPackets() <= charonOut, () -> ours + " vs charon's " + child.raw());
            assertTrue(charonIn <= ours.outboundPackets(), () -> ours + " vs charon's " + child.raw());
            assertTrue(ours.inboundPackets() >= 6 && charonIn >= 6, () -> ours + " vs charon's " + child.raw());
            long received = charonInitiates ? ours.inboundOctets() : counter(child, "bytes-in");
            assertTrue(received > TRANSFER, () -> ours + " vs charon's " + child.raw());
        }
    }

    /** charon with its connection loaded before ikeseal starts (which may initiate at once). */
    private static Charon loaded(Charon charon) {
        try {
            charon.load(
                    SwanctlConf.of(leftGateway()).psk(deployment.psk(), TestDeployment.BRANCH, TestDeployment.GATEWAY));
            return charon;
        } catch (RuntimeException | Error e) {
            charon.close();
            throw e;
        }
    }

    /** charon as the left site's gateway: PSK as the branch office, AES-GCM-256, 10.1.0.0/24 to 10.2.0.0/24. */
    private static Connection leftGateway() {
        return Connection.named("gw")
                .localAddrs(TwoSites.LEFT_OUTER)
                .remoteAddrs(TwoSites.RIGHT_OUTER)
                .proposals("aes256gcm16-prfsha256-ecp256")
                .local(Auth.psk(TestDeployment.BRANCH))
                .remote(Auth.psk(TestDeployment.GATEWAY))
                .child(Child.named("net")
                        .localTs(TwoSites.LEFT_SUBNET)
                        .remoteTs(TwoSites.RIGHT_SUBNET)
                        .espProposals("aes256gcm16"));
    }

    private static long counter(ChildSa child, String key) {
        return Long.parseLong(String.valueOf(child.raw().get(key)));
    }
}
