package io.ikeseal.agent.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.ikeseal.testhsm.strongswan.Vici;
import io.ikeseal.testhsm.strongswan.ViciMessage;

/**
 * Load from a charon initiator through VICI: one swanctl connection per concurrent slot ({@code s0}, {@code s1},
 * ...; each with the CHILD_SA config {@value #CHILD}), each slot keeping one initiation in flight. An initiation is
 * {@code initiate} with {@code timeout = -1} (charon answers at once); it ends with the {@code child-updown} event
 * that brings its CHILD_SA up (the latency: request sent to that event), or fails on an {@code ike-updown} down of an
 * SA never up, or after the attempt timeout. Established SAs are deleted at once ({@code terminate}, also with
 * {@code timeout = -1}) unless kept. charon needs {@code reuse_ikesa = no}, or it would put the next CHILD_SA into
 * the slot's established IKE SA.
 */
final class ViciLoad {
    static final String CHILD = "net";

    private final Vici vici;
    private final int slots;
    private final Duration attemptTimeout;
    private final ScheduledExecutorService timer;
    private final long[] startedAt;
    private final Set<String> terminating = new HashSet<>();
    private final Set<String> kept = new HashSet<>();
    // the current round, guarded by this
    private boolean keep;
    private int toStart;
    private int done;
    private int failures;
    private int lostKept;
    private long roundStart;
    /** When an SA of this round last came up (or the round started). */
    private long lastUp;
    /** Attempt timeouts without any SA coming up after which the initiator counts as stopped. */
    static final int STALLED = 3;

    private final List<Long> latencies = new ArrayList<>();
    private final List<Long> completions = new ArrayList<>();
    private final List<String> failureReasons = new ArrayList<>();

    /** One round's outcome: nanoTime offsets from the round's start, in completion order. */
    record Round(
            int requested,
            int established,
            int failures,
            long nanos,
            List<Long> latencies,
            List<Long> completions,
            List<String> failureReasons) {
        double perSecond() {
            return nanos == 0 ? 0 : established * 1e9 / nanos;
        }

        /** Latency quantile in milliseconds (q in 0..1), nearest rank. */
        double latencyMillis(double q) {
            if (latencies.isEmpty()) {
                return Double.NaN;
            }
            List<Long> s = latencies.stream().sorted().toList();
            int rank = (int) Math.ceil(q * s.size()) - 1;
            return s.get(Math.max(0, Math.min(s.size() - 1, rank))) / 1e6;
        }

        /** SAs per second over completions [from, to). */
        double windowPerSecond(int from, int to) {
            if (from < 0 || to - from < 1 || to > completions.size()) {
                return Double.NaN;
            }
            long begin = from == 0 ? 0 : completions.get(from - 1);
            long end = completions.get(to - 1);
            return end == begin ? Double.NaN : (to - from) * 1e9 / (end - begin);
        }
    }

    ViciLoad(Vici vici, int slots, Duration attemptTimeout) {
        this.vici = vici;
        this.slots = slots;
        this.attemptTimeout = attemptTimeout;
        this.startedAt = new long[slots];
        this.timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().name("vici-load-timeouts").unstarted(r));
        Duration confirm = Duration.ofSeconds(10);
        vici.register("child-updown", this::childUpdown, confirm);
        vici.register("ike-updown", this::ikeUpdown, confirm);
        var _ = timer.scheduleWithFixedDelay(this::expire, 100, 100, TimeUnit.MILLISECONDS);
    }

    static String connection(int slot) {
        return "s" + slot;
    }

    /**
     * Establishes {@code count} SAs with at most {@code inFlight} (≤ slots) initiations at once; kept or deleted as
     * they come up. Fails when the round has not ended by {@code deadline}.
     */
    synchronized Round run(int count, int inFlight, boolean keepSas, Duration deadline) throws InterruptedException {
        if (inFlight < 1 || inFlight > slots) {
            throw new IllegalArgumentException("1.." + slots + " in flight, not " + inFlight);
        }
        keep = keepSas;
        toStart = count;
        done = 0;
        failures = 0;
        latencies.clear();
        completions.clear();
        failureReasons.clear();
        roundStart = System.nanoTime();
        for (int i = 0; i < Math.min(inFlight, count); i++) {
            startNext(i);
        }
        long end = System.nanoTime() + deadline.toNanos();
        lastUp = System.nanoTime();
        while (done + failures < count) {
            long left = end - System.nanoTime();
            if (System.nanoTime() - lastUp > STALLED * attemptTimeout.toNanos()) {
                // charon 5.9.8 has been seen to stop for good under this load, every thread waiting in its IKE SA
                // manager: fail in minutes, not at the deadline (about 100 ms per SA of the round)
                java.util.Arrays.fill(startedAt, 0);
                toStart = 0;
                throw new InitiatorStalled("no SA came up for " + attemptTimeout.multipliedBy(STALLED)
                        + ": the charon initiator stopped (" + done + " of " + count + " SAs up, " + failures
                        + " failed " + firstReasons() + ")");
            }
            if (left <= 0) {
                java.util.Arrays.fill(startedAt, 0);
                toStart = 0;
                throw new IllegalStateException("load round not done within " + deadline + ": " + done + " of " + count
                        + " SAs up, " + failures + " failed " + firstReasons());
            }
            wait(Math.max(1, Math.min(left, attemptTimeout.toNanos()) / 1_000_000));
        }
        long last = completions.isEmpty() ? 0 : completions.getLast();
        return new Round(
                count,
                done,
                failures,
                last,
                List.copyOf(latencies),
                List.copyOf(completions),
                List.copyOf(failureReasons));
    }

    /** Waits (at most timeout) until every deletion this load asked for was seen; returns how many are left. */
    synchronized int awaitDeletions(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!terminating.isEmpty() && System.nanoTime() < end) {
            wait(Math.max(1, (end - System.nanoTime()) / 1_000_000));
        }
        return terminating.size();
    }

    /** Established SAs kept so far, and kept SAs that went down since. */
    synchronized int kept() {
        return kept.size();
    }

    synchronized int lostKept() {
        return lostKept;
    }

    private List<String> firstReasons() {
        return failureReasons.subList(0, Math.min(5, failureReasons.size()));
    }

    private void startNext(int slot) {
        if (toStart <= 0) {
            startedAt[slot] = 0;
            return;
        }
        toStart--;
        startedAt[slot] = System.nanoTime();
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("child", CHILD);
        args.put("ike", connection(slot));
        args.put("timeout", "-1");
        args.put("init-limits", "no");
        args.put("loglevel", "-1");
        long started = startedAt[slot];
        var _ = vici.request("initiate", args).whenCompleteAsync((r, e) -> {
            if (e != null || "no".equals(ViciMessage.value(r, "success"))) {
                failed(slot, started, e != null ? e.getMessage() : ViciMessage.value(r, "errmsg"));
            }
        });
    }

    private synchronized void failed(int slot, long started, String reason) {
        if (startedAt[slot] != started || started == 0) {
            return;
        }
        failures++;
        failureReasons.add(connection(slot) + ": " + reason);
        startNext(slot);
        notifyAll();
    }

    private synchronized void expire() {
        long now = System.nanoTime();
        for (int i = 0; i < slots; i++) {
            if (startedAt[i] != 0 && now - startedAt[i] > attemptTimeout.toNanos()) {
                failed(i, startedAt[i], "not up within " + attemptTimeout);
            }
        }
    }

    private synchronized void childUpdown(Map<String, Object> event) {
        if (!"yes".equals(ViciMessage.value(event, "up"))) {
            return; // a CHILD_SA going with its IKE SA: ike-updown tells
        }
        long now = System.nanoTime();
        forEachSa(event, (slot, id) -> {
            if (slot >= 0 && startedAt[slot] != 0) {
                lastUp = now;
                latencies.add(now - startedAt[slot]);
                completions.add(now - roundStart);
                done++;
                settle(id);
                startNext(slot);
            } else {
                settle(id); // up after its attempt timed out: already counted as a failure
            }
        });
        notifyAll();
    }

    private void settle(String id) {
        if (keep) {
            kept.add(id);
            return;
        }
        terminating.add(id);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("ike-id", id);
        args.put("timeout", "-1");
        args.put("loglevel", "-1");
        var _ = vici.request("terminate", args);
    }

    private synchronized void ikeUpdown(Map<String, Object> event) {
        if ("yes".equals(ViciMessage.value(event, "up"))) {
            return;
        }
        forEachSa(event, (slot, id) -> {
            if (terminating.remove(id)) {
                return;
            }
            if (kept.remove(id)) {
                lostKept++;
                return;
            }
            if (slot >= 0 && startedAt[slot] != 0) {
                failed(slot, startedAt[slot], "IKE SA " + id + " went down before its CHILD_SA was up");
            }
        });
        notifyAll();
    }

    private interface SaAction {
        void accept(int slot, String uniqueId);
    }

    /** Calls action for each IKE SA section of an updown event (named after its connection). */
    private void forEachSa(Map<String, Object> event, SaAction action) {
        for (Map.Entry<String, Object> e : event.entrySet()) {
            if (e.getValue() instanceof Map<?, ?>) {
                String id = ViciMessage.value(ViciMessage.section(event, e.getKey()), "uniqueid");
                action.accept(slotOf(e.getKey()), id);
            }
        }
    }

    private int slotOf(String connection) {
        if (connection.length() < 2 || connection.charAt(0) != 's') {
            return -1;
        }
        try {
            int s = Integer.parseInt(connection.substring(1));
            return s < slots ? s : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    void close() {
        timer.shutdownNow();
    }

    /** The charon initiator stopped answering: a new one may carry on (ResponderBench). */
    static final class InitiatorStalled extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        InitiatorStalled(String message) {
            super(message);
        }
    }
}
