package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.IkeLifetimes;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.exchange.IkeSaFailure;
import io.ikeseal.agent.exchange.Scheduler;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.sa.IkeSaEnd;

/**
 * {@link ConnectionSupervisor}'s decisions with a hand-driven clock and gateway (issue 10 item 5): backoff doubling
 * to its cap with jitter, restart per close-action and dpd-action, hold until triggered, nothing for rekeyed SAs or
 * while another SA keeps the connection up, and nothing after close.
 */
class ConnectionSupervisorTest {
    /** Timers that run only when {@link #advance}d; delays recorded. */
    static final class Timers implements Scheduler {
        final List<Duration> delays = new ArrayList<>();
        private final List<Runnable> due = new ArrayList<>();

        @Override
        public synchronized Timer schedule(Duration delay, Runnable task) {
            delays.add(delay);
            due.add(task);
            return () -> due.remove(task);
        }

        /** Runs what is scheduled (one round). */
        void advance() {
            List<Runnable> now;
            synchronized (this) {
                now = List.copyOf(due);
                due.clear();
            }
            now.forEach(Runnable::run);
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    }

    /** A gateway whose attempts the test completes. */
    static final class Gateway implements ConnectionSupervisor.Connections {
        final List<CompletableFuture<Void>> attempts = new ArrayList<>();
        final Set<String> up = new HashSet<>();

        @Override
        public synchronized CompletableFuture<?> initiate(String name) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            attempts.add(f);
            return f;
        }

        @Override
        public boolean up(String name) {
            return up.contains(name);
        }

        void fail() {
            attempts.getLast().completeExceptionally(new IkeSaFailure("no answer"));
        }

        void succeed() {
            attempts.getLast().complete(null);
        }
    }

    final Timers timers = new Timers();
    final Gateway gateway = new Gateway();
    final List<String> log = new ArrayList<>();

    ConnectionSupervisor supervisor(Liveness liveness, boolean initiate) throws Exception {
        ConnectionConfig c = new ConnectionConfig(
                "gw",
                InetAddress.getLoopbackAddress(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 500),
                IkeIdentity.parse("branch.example"),
                IkeIdentity.parse("gw.example"),
                ConnectionConfig.AuthKind.PSK,
                ConnectionConfig.AuthKind.PSK,
                null,
                "site",
                List.of(ConfiguredProposal.ike("aes256gcm16-prfsha256-ecp256")),
                IkeLifetimes.DEFAULT,
                liveness,
                initiate,
                List.of());
        return new ConnectionSupervisor(
                List.of(c), gateway, timers, ConnectionSupervisor.Backoff.DEFAULT, () -> 0.999, log::add);
    }

    @Test
    void backoffDoublesFromOneSecondToSixtyWithJitterInItsUpperHalf() {
        ConnectionSupervisor.Backoff b = ConnectionSupervisor.Backoff.DEFAULT;
        assertEquals(Duration.ofMillis(500), b.delay(1, 0));
        assertEquals(Duration.ofSeconds(1), b.delay(1, 1));
        assertEquals(Duration.ofSeconds(8), b.delay(4, 1));
        assertEquals(Duration.ofSeconds(60), b.delay(7, 1));
        assertEquals(Duration.ofSeconds(60), b.delay(1000, 1));
        assertEquals(Duration.ofSeconds(30), b.delay(1000, 0));
    }

    @Test
    void initiateTrueIsRetriedWithBackoffUntilUp() throws Exception {
        ConnectionSupervisor s = supervisor(Liveness.DEFAULT, true);
        s.start();
        for (int i = 1; i <= 8; i++) {
            assertEquals(i, gateway.attempts.size());
            gateway.fail();
            timers.advance();
        }
        gateway.succeed();
        timers.advance();
        assertEquals(9, gateway.attempts.size(), "no attempt after it is up");
        List<Long> seconds = timers.delays.stream()
                .map(d -> Math.round(d.toMillis() / 1000.0))
                .toList();
        assertEquals(List.of(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L), seconds);
        assertEquals("initiating gw (attempt 1)", log.getFirst());
        assertTrue(log.contains("gw: attempt 2 failed (no answer); retrying in 2.0 s"), log.toString());
    }

    @Test
    void closeActionRestartStartsAgainAfterThePeersDeleteOnly() throws Exception {
        ConnectionSupervisor s =
                supervisor(new Liveness(Duration.ZERO, Liveness.Action.CLEAR, Liveness.Action.RESTART), false);
        s.start();
        assertEquals(0, gateway.attempts.size(), "initiate: false is not started");
        for (IkeSaEnd quiet : List.of(
                IkeSaEnd.REKEYED,
                IkeSaEnd.LOCAL_DELETE,
                IkeSaEnd.EXPIRED,
                IkeSaEnd.INITIAL_CONTACT,
                IkeSaEnd.DEAD_PEER)) {
            s.ended("gw", true, quiet);
            timers.advance();
        }
        s.ended("gw", false, IkeSaEnd.PEER_DELETE);
        timers.advance();
        assertEquals(0, gateway.attempts.size(), "only a peer's Delete of an established SA restarts it");
        gateway.up.add("gw");
        s.ended("gw", true, IkeSaEnd.PEER_DELETE);
        timers.advance();
        assertEquals(0, gateway.attempts.size(), "another established SA of the connection keeps it up");
        gateway.up.clear();
        s.ended("gw", true, IkeSaEnd.PEER_DELETE);
        timers.advance();
        assertEquals(1, gateway.attempts.size());
        assertTrue(log.contains("gw: restarting after the peer's Delete"), log.toString());
    }

    @Test
    void dpdActionsRestartHoldOrClear() throws Exception {
        ConnectionSupervisor restart =
                supervisor(new Liveness(Duration.ofSeconds(30), Liveness.Action.RESTART, Liveness.Action.NONE), false);
        restart.ended("gw", true, IkeSaEnd.DEAD_PEER);
        timers.advance();
        assertEquals(1, gateway.attempts.size(), "restart");
        gateway.fail();
        timers.advance();
        assertEquals(2, gateway.attempts.size(), "and retried until up");
        restart.close();

        ConnectionSupervisor hold =
                supervisor(new Liveness(Duration.ofSeconds(30), Liveness.Action.HOLD, Liveness.Action.NONE), false);
        hold.ended("gw", true, IkeSaEnd.DEAD_PEER);
        timers.advance();
        assertEquals(2, gateway.attempts.size(), "hold starts nothing by itself");
        assertTrue(hold.held("gw"));
        assertTrue(hold.trigger("gw"));
        assertEquals(3, gateway.attempts.size(), "but on demand");
        assertFalse(hold.trigger("gw"), "once");

        ConnectionSupervisor clear =
                supervisor(new Liveness(Duration.ofSeconds(30), Liveness.Action.CLEAR, Liveness.Action.NONE), false);
        clear.ended("gw", true, IkeSaEnd.DEAD_PEER);
        timers.advance();
        assertEquals(3, gateway.attempts.size(), "clear: nothing more");
        assertFalse(clear.held("gw"));
    }

    @Test
    void nothingStartsAfterClose() throws Exception {
        ConnectionSupervisor s = supervisor(Liveness.DEFAULT, true);
        s.start();
        gateway.fail();
        s.close();
        timers.advance();
        assertEquals(1, gateway.attempts.size());
    }
}
