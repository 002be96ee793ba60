package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.config.ExchangeSettings;

/**
 * Connection supervision and dead peer detection between two daemons on loopback (issue 10 items 3 and 5), the
 * branch office reaching the gateway through a relay that can cut the path (the peer unreachable, or gone and back):
 * {@code initiate: true} retried with backoff until the gateway answers, close-action restart after the gateway's
 * Delete, and dpd-action restart after the gateway stopped answering and came back.
 */
class SupervisionTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();
    /** 100 ms, ×1.5, 2 retransmissions: an unanswered request is given up after about half a second. */
    static final UnaryOperator<ExchangeSettings> IMPATIENT =
            s -> Scenario.FAST.apply(s).withRetransmit(Duration.ofMillis(100), 1.5, 2);

    /** Short delays so a test takes seconds: 200 ms doubling to 800 ms. */
    static final ConnectionSupervisor.Backoff BACKOFF =
            new ConnectionSupervisor.Backoff(Duration.ofMillis(200), Duration.ofMillis(800));

    /** A relay whose path the test cuts and restores. */
    static final class Path {
        volatile boolean open;

        UdpRelay.Rule rule() {
            return (d, r) -> open;
        }
    }

    static long count(Side s, EventRecorder.Kind kind) {
        return s.events().of(kind).size();
    }

    @Test
    void initiateTrueIsRetriedWithBackoffUntilThePeerAnswers() throws Exception {
        Path path = new Path();
        List<String> log = new CopyOnWriteArrayList<>();
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                UdpRelay relay = new UdpRelay(gw.ike(), path.rule());
                Side br = scenario.start(
                        "branch", ConnectionYaml.branch(relay).connection("initiate: true"), IMPATIENT)) {
            br.daemon().supervise(BACKOFF, log::add);
            Scenario.await(
                    "three attempts",
                    () -> log.stream()
                                    .filter(l -> l.startsWith("initiating gateway"))
                                    .count()
                            >= 3);
            assertEquals(0, count(br, EventRecorder.Kind.ESTABLISHED));
            path.open = true; // the gateway appears
            br.events().awaitOnly(EventRecorder.Kind.ESTABLISHED);
            gw.events().awaitOnly(EventRecorder.Kind.ESTABLISHED);
            assertTrue(firstDelay(log) >= 100 && firstDelay(log) <= 200, log.toString());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("gateway: attempt 2 failed")), log.toString());
            int attempts = (int)
                    log.stream().filter(l -> l.startsWith("initiating gateway")).count();
            Thread.sleep(1000);
            assertEquals(
                    attempts,
                    log.stream().filter(l -> l.startsWith("initiating gateway")).count(),
                    "no attempt once it is up");
        }
    }

    /** The delay printed after the first failure, in ms (200 ms jittered over its upper half: 100-200). */
    private static long firstDelay(List<String> log) {
        String l = log.stream()
                .filter(x -> x.startsWith("gateway: attempt 1 failed ("))
                .findFirst()
                .orElseThrow();
        return Long.parseLong(l.substring(l.lastIndexOf("retrying in ") + "retrying in ".length())
                .replace(" ms", ""));
    }

    @Test
    void closeActionRestartEstablishesAgainAfterThePeersDelete() throws Exception {
        Path path = new Path();
        path.open = true;
        List<String> log = new CopyOnWriteArrayList<>();
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                UdpRelay relay = new UdpRelay(gw.ike(), path.rule());
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(relay)
                                .connection("initiate: true")
                                .connection("close-action: restart"),
                        IMPATIENT)) {
            br.daemon().supervise(BACKOFF, log::add);
            br.events().awaitOnly(EventRecorder.Kind.ESTABLISHED);
            gw.daemon().gateway().deleteAll("operator", Duration.ofSeconds(2));
            Scenario.await("established again", () -> count(br, EventRecorder.Kind.ESTABLISHED) == 2);
            assertTrue(log.contains("gateway: restarting after the peer's Delete"), log.toString());
            assertEquals(
                    "deleted by the peer",
                    br.events().awaitOnly(EventRecorder.Kind.DELETED).detail());
        }
    }

    @Test
    void dpdRestartFindsTheDeadPeerWithinTheBoundAndEstablishesWhenItIsBack() throws Exception {
        Path path = new Path();
        path.open = true;
        List<String> log = new CopyOnWriteArrayList<>();
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                UdpRelay relay = new UdpRelay(gw.ike(), path.rule());
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(relay)
                                .connection("initiate: true")
                                .connection("dpd-delay: 1s")
                                .connection("dpd-action: restart"),
                        IMPATIENT)) {
            br.daemon().supervise(BACKOFF, log::add);
            br.events().awaitOnly(EventRecorder.Kind.ESTABLISHED);
            Thread.sleep(1500);
            assertEquals(0, count(br, EventRecorder.Kind.DEAD), "a live peer answers its checks");
            long cut = System.nanoTime();
            path.open = false; // the gateway is gone for the branch
            br.events().awaitOnly(EventRecorder.Kind.DEAD);
            Duration took = Duration.ofNanos(System.nanoTime() - cut);
            // README: a dead peer's SAs go within dpd-delay + the retransmission time (giveUpAfter).
            Duration bound = Duration.ofSeconds(1)
                    .plus(IMPATIENT.apply(ExchangeSettings.DEFAULT).giveUpAfter());
            assertTrue(took.compareTo(bound.plusMillis(500)) < 0, "dead after " + took + ", bound " + bound);
            System.out.println("SupervisionTest: dead peer found " + took.toMillis() + " ms after the cut (bound "
                    + bound.toMillis() + " ms)");
            Scenario.await("a restart attempt", () -> log.contains("gateway: restarting after a dead peer"));
            path.open = true; // and back
            Scenario.await("established again", () -> count(br, EventRecorder.Kind.ESTABLISHED) == 2);
            // The branch had no SA left, so its new one carried INITIAL_CONTACT: the gateway dropped the stale one.
            Scenario.await(
                    "the gateway's stale SA gone",
                    () -> gw.events().of(EventRecorder.Kind.DELETED).stream()
                            .anyMatch(e -> "INITIAL_CONTACT from the peer".equals(e.detail())));
        }
    }
}
