package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Token hygiene between two daemons (issue 10 item 6): while an IKE SA is up, each end holds one object of the HSM
 * (its SK_d; shares, g^ir and SKEYSEED are gone), and N handshakes each followed by a Delete leave the HSM's live
 * objects where they started. Both daemons share the test run's TokenSet, so both ends count on one token.
 */
class LiveTokenObjectsTest {
    private static final int HANDSHAKES = 5;

    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void handshakesAndDeletesLeaveTheCountWhereItStarted() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            long start = hsm(br);
            assertEquals(br.daemon().liveTokenObjects(), gw.daemon().liveTokenObjects(), "per token, shared");
            for (int n = 0; n < HANDSHAKES; n++) {
                Scenario.Established sa = Scenario.establish(br, gw);
                Scenario.await("one SK_d per end", () -> hsm(br) == start + 2);
                br.daemon().gateway().deleteAll("test: handshake " + n + " done", Duration.ofSeconds(5));
                gw.events().await(EventRecorder.Kind.DELETED, sa.initiator().spiI());
                Scenario.await("both ends' SK_d destroyed", () -> hsm(br) == start);
            }
            assertEquals(start, hsm(gw));
        }
    }

    /**
     * With a key share pool the pooled pairs are counted apart: an established IKE SA still holds one object per end,
     * and closing the daemons destroys what their pools held.
     */
    @Test
    void pooledKeyPairsAreNotCountedAsLiveAndCloseDestroysThem() throws Exception {
        long start;
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().ike("key-share-pool: 3"));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).ike("key-share-pool: 3"))) {
            start = hsm(br);
            for (int n = 0; n < 2; n++) {
                Scenario.Established sa = Scenario.establish(br, gw);
                Scenario.await("one SK_d per end", () -> hsm(br) == start + 2);
                br.daemon().gateway().deleteAll("test: handshake " + n + " done", Duration.ofSeconds(5));
                gw.events().await(EventRecorder.Kind.DELETED, sa.initiator().spiI());
                Scenario.await("both ends' SK_d destroyed", () -> hsm(br) == start);
            }
            Scenario.await(
                    "both pools full",
                    () -> br.daemon().pooledKeyShares() == 3 && gw.daemon().pooledKeyShares() == 3);
            assertEquals(start, hsm(gw), "pooled pairs are not live objects");
        }
        assertEquals(start, scenario.token("hsm").liveObjects().count());
    }

    /** RFC 7296 §2.12 reuse, when configured: the responder's SAs share one key generation, the count stays exact. */
    @Test
    void aResponderReusingItsKeyShareGeneratesOnceForSeveralSas() throws Exception {
        long start;
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().ike("reuse-key-share: 1m"));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            start = hsm(br);
            int before = scenario.auditLog().size();
            for (int n = 0; n < 3; n++) {
                Scenario.Established sa = Scenario.establish(br, gw);
                br.daemon().gateway().deleteAll("test: handshake " + n + " done", Duration.ofSeconds(5));
                gw.events().await(EventRecorder.Kind.DELETED, sa.initiator().spiI());
            }
            List<Scenario.Audited> keygens = scenario
                    .auditLog()
                    .subList(before, scenario.auditLog().size())
                    .stream()
                    .filter(a -> a.op().equals("dh-keygen"))
                    .toList();
            assertEquals(
                    3,
                    keygens.stream().filter(a -> a.peer().equals(gw.asPeer())).count(),
                    "initiator: fresh");
            assertEquals(
                    1,
                    keygens.stream().filter(a -> a.peer().equals(br.asPeer())).count(),
                    "responder: reused");
            Scenario.await("only the reused key share left", () -> hsm(br) == start + 1);
        }
        assertEquals(start, scenario.token("hsm").liveObjects().count(), "closing retires it");
    }

    private static long hsm(Side side) {
        Map<String, Long> live = side.daemon().liveTokenObjects();
        return live.getOrDefault("hsm", -1L);
    }
}
