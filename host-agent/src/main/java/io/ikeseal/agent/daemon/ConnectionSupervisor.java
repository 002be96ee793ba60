package io.ikeseal.agent.daemon;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.exchange.Scheduler;
import io.ikeseal.agent.sa.IkeSaEnd;

/**
 * Keeps connections up (issue 10 item 5): {@code initiate: true} connections are initiated at start and again, with
 * exponential backoff and jitter, until they are established; {@code close-action: restart} initiates again when the
 * peer deleted the IKE SA, {@code dpd-action: restart} after a dead peer, and {@code dpd-action: hold} keeps the
 * connection ready to start on demand ({@link #trigger}; a data plane will call it on traffic). A connection is up
 * while any established IKE SA of it exists, so an SA ending because it was rekeyed or reauthenticated (its successor
 * up first), or while another SA of the connection lives, triggers nothing. One line per attempt and per delay goes
 * to the log. Thread-safe: SA ends arrive on SA executors, attempts run on the scheduler.
 */
public final class ConnectionSupervisor implements AutoCloseable {
    /** Where connections are started and looked at. */
    public interface Connections {
        /** Initiates {@code name}; completes when its IKE SA is established, fails when it is not. */
        CompletableFuture<?> initiate(String name);

        /** Whether an established IKE SA of {@code name} exists. */
        boolean up(String name);
    }

    /**
     * Delays between attempts: {@code first}, doubling up to {@code max}, each spread by jitter over its upper half so
     * that many connections that failed together do not retry together.
     */
    public record Backoff(Duration first, Duration max) {
        public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));

        /** The delay after {@code failures} (≥ 1) failed attempts, for a uniform {@code u} in [0, 1). */
        public Duration delay(int failures, double u) {
            long base = first.toNanos() << Math.min(30, Math.max(0, failures - 1));
            long capped = Math.min(max.toNanos(), base < 0 ? Long.MAX_VALUE : base);
            return Duration.ofNanos((long) (capped * (0.5 + 0.5 * u)));
        }
    }

    private final Map<String, ConnectionConfig> connections = new LinkedHashMap<>();
    private final Connections gateway;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final DoubleSupplier random;
    private final Consumer<String> log;
    /** Connections with an attempt running or a retry scheduled, and their failed attempts so far. */
    private final Map<String, Integer> trying = new HashMap<>();

    private final Map<String, Scheduler.Timer> retries = new HashMap<>();
    private final Set<String> held = new HashSet<>();
    /** Per connection, how often a reload replaced it: an attempt begun before a replacement reports to nobody. */
    private final Map<String, Integer> epochs = new HashMap<>();

    private boolean closed;

    public ConnectionSupervisor(
            List<ConnectionConfig> connections,
            Connections gateway,
            Scheduler scheduler,
            Backoff backoff,
            DoubleSupplier random,
            Consumer<String> log) {
        connections.forEach(c -> this.connections.put(c.name(), c));
        this.gateway = gateway;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.random = random;
        this.log = log;
    }

    /** Initiates every {@code initiate: true} connection. */
    public synchronized void start() {
        connections.values().stream().filter(ConnectionConfig::initiate).forEach(c -> begin(c.name()));
    }

    /** An IKE SA ended (see {@link io.ikeseal.agent.exchange.IkeGateway#onIkeSaEnd}). */
    public synchronized void ended(String connection, boolean wasEstablished, IkeSaEnd cause) {
        ConnectionConfig c = connection == null ? null : connections.get(connection);
        if (closed || c == null || !wasEstablished) {
            return; // a failed attempt is retried where it was started
        }
        Liveness l = c.liveness();
        Liveness.Action action = switch (cause) {
            case PEER_DELETE -> l.closeAction();
            case DEAD_PEER -> l.dpdAction();
            default -> Liveness.Action.NONE; // rekeyed, ours, expired, replaced by the peer's INITIAL_CONTACT
        };
        switch (action) {
            case RESTART -> {
                if (scheduler.schedule(Duration.ZERO, () -> restart(connection, cause)) == null) {
                    return; // stopping
                }
            }
            case HOLD -> {
                held.add(connection);
                log.accept(connection + ": held after a dead peer: started again on demand (by traffic, once a data "
                        + "plane reports it)");
            }
            default -> {}
        }
    }

    /** Starts a held connection (dpd-action hold) again, e.g. because traffic for it arrived. */
    public synchronized boolean trigger(String connection) {
        if (closed || !held.remove(connection)) {
            return false;
        }
        begin(connection);
        return true;
    }

    public synchronized boolean held(String connection) {
        return held.contains(connection);
    }

    /**
     * A reload (docs/operations-reload.md): supervises {@code next} from now on. The connections named in
     * {@code replaced} (removed or changed) lose their scheduled retries, their hold and any running attempt's
     * outcome; none is initiated here: {@link #start(Iterable)} does that once their old SAs are gone.
     */
    public synchronized void reconfigure(List<ConnectionConfig> next, Set<String> replaced) {
        connections.clear();
        next.forEach(c -> connections.put(c.name(), c));
        for (String name : replaced) {
            Scheduler.Timer t = retries.remove(name);
            if (t != null) {
                t.cancel();
            }
            trying.remove(name);
            held.remove(name);
            epochs.merge(name, 1, Integer::sum);
        }
    }

    /** Initiates those of {@code names} that are configured with {@code initiate: true} (after a reload). */
    public synchronized void start(Iterable<String> names) {
        if (closed) {
            return;
        }
        for (String name : names) {
            ConnectionConfig c = connections.get(name);
            if (c != null && c.initiate()) {
                begin(name);
            }
        }
    }

    /** Stops supervising: no further attempt starts (daemon shutdown does this first). */
    @Override
    public synchronized void close() {
        closed = true;
        retries.values().forEach(Scheduler::cancel);
        retries.clear();
        trying.clear();
    }

    private synchronized void restart(String connection, IkeSaEnd cause) {
        if (closed || gateway.up(connection)) {
            return; // another IKE SA of the connection still carries it
        }
        log.accept(connection + ": restarting after "
                + (cause == IkeSaEnd.DEAD_PEER ? "a dead peer" : "the peer's Delete"));
        begin(connection);
    }

    private void begin(String connection) {
        ConnectionConfig c = connections.get(connection);
        if (c == null) {
            return; // removed by a reload
        }
        if (c.remote() == null) {
            log.accept(connection + ": not started: remote-address any only responds");
            return;
        }
        if (trying.containsKey(connection)) {
            return; // an attempt is running or scheduled
        }
        trying.put(connection, 0);
        attempt(connection);
    }

    private synchronized void attempt(String connection) {
        retries.remove(connection);
        Integer failures = trying.get(connection);
        if (closed || failures == null) {
            return;
        }
        log.accept("initiating " + connection + " (attempt " + (failures + 1) + ")");
        int epoch = epochs.getOrDefault(connection, 0);
        CompletableFuture<?> f;
        try {
            f = gateway.initiate(connection);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        var _ = f.whenComplete((ok, e) -> outcome(connection, epoch, e));
    }

    private synchronized void outcome(String connection, int epoch, Throwable e) {
        Integer failures = trying.get(connection);
        if (closed || failures == null || epoch != epochs.getOrDefault(connection, 0)) {
            return;
        }
        if (e == null) {
            trying.remove(connection);
            return;
        }
        int n = failures + 1;
        trying.put(connection, n);
        Duration delay = backoff.delay(n, random.getAsDouble());
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        log.accept(
                connection + ": attempt " + n + " failed (" + cause.getMessage() + "); retrying in " + millis(delay));
        Scheduler.Timer t = scheduler.schedule(delay, () -> attempt(connection));
        if (t != null) {
            retries.put(connection, t);
        }
    }

    private static String millis(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
