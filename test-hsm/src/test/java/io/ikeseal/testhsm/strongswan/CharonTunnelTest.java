package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.testhsm.TwoSites;

/**
 * Two charons, each in its own network namespace, carry traffic between 10.1.0.0/24 and 10.2.0.0/24 through
 * kernel-libipsec (ESP in UDP over the veth, TUN ipsec0 on each side): the fixture the data-plane tests and
 * scripts/bench-tunnel compare ikeseal against.
 */
class CharonTunnelTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void pingCrossesKernelLibipsecTunnelBothWays(@TempDir Path dir) {
        byte[] psk = new byte[32];
        new SecureRandom().nextBytes(psk);
        try (TwoSites sites = TwoSites.create("ct");
                Charon left = Charon.start(dir, "left", CharonOptions.defaults().inNamespace(sites.left()));
                Charon right =
                        Charon.start(dir, "right", CharonOptions.defaults().inNamespace(sites.right()))) {
            assertFalse(
                    TwoSites.answers(sites.left(), TwoSites.LEFT_HOST, TwoSites.RIGHT_HOST),
                    "no way across before the tunnel");
            left.load(SwanctlConf.of(gateway(
                            "a.example",
                            "b.example",
                            TwoSites.LEFT_OUTER,
                            TwoSites.RIGHT_OUTER,
                            TwoSites.LEFT_SUBNET,
                            TwoSites.RIGHT_SUBNET))
                    .psk(psk, "a.example", "b.example"));
            right.load(SwanctlConf.of(gateway(
                            "b.example",
                            "a.example",
                            TwoSites.RIGHT_OUTER,
                            TwoSites.LEFT_OUTER,
                            TwoSites.RIGHT_SUBNET,
                            TwoSites.LEFT_SUBNET))
                    .psk(psk, "a.example", "b.example"));

            left.initiate("net", TIMEOUT).orThrow();

            TwoSites.ping(sites.left(), TwoSites.LEFT_HOST, TwoSites.RIGHT_HOST, 3);
            TwoSites.ping(sites.right(), TwoSites.RIGHT_HOST, TwoSites.LEFT_HOST, 3);
            ChildSa child =
                    left.awaitIkeSa(IkeSa::established, TIMEOUT).children().getFirst();
            assertTrue(child.encap(), "kernel-libipsec: ESP in UDP");
            assertTrue(
                    Long.parseLong(String.valueOf(child.raw().get("packets-out"))) >= 6,
                    () -> "3 requests and 3 replies went out: " + child.raw());
        }
    }

    /** A gateway's side: AES-GCM-256 as the benchmark uses, tunnel mode between the two protected subnets. */
    static Connection gateway(
            String localId, String remoteId, String local, String remote, String localNet, String remoteNet) {
        return Connection.named("gw")
                .localAddrs(local)
                .remoteAddrs(remote)
                .localPort(500)
                .remotePort(500)
                .proposals("aes256gcm16-prfsha256-ecp256")
                .local(Auth.psk(localId))
                .remote(Auth.psk(remoteId))
                .child(Child.named("net").localTs(localNet).remoteTs(remoteNet).espProposals("aes256gcm16"));
    }
}
