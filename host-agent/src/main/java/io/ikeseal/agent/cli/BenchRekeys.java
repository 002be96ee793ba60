package io.ikeseal.agent.cli;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * The rekey phase of {@code ikeseal bench sas}: every established IKE SA rekeyed once (RFC 7296 §2.18), then every
 * CHILD_SA (§1.3.3), each started at a uniformly random moment within a window, the way {@code rand-time} jitter
 * spreads a fleet's rekeys so the tokens see a steady load rather than one burst. The ends take turns as initiator.
 */
final class BenchRekeys {
    /**
     * One phase's outcome.
     *
     * @param failuresByReason  the failures by reason, or null
     * @param allDoneSeconds from the phase's start until the last rekey completed
     * @param latencies      per successful rekey, nanoseconds from its start to its completion, sorted
     * @param tokenMicros    time in token calls of both ends during the phase
     */
    record Phase(
            String what,
            int count,
            int failures,
            String failuresByReason,
            double allDoneSeconds,
            long[] latencies,
            long tokenMicros) {}

    private final BenchDaemons pair;
    private final Duration window;
    private final SecureRandom random = new SecureRandom();

    BenchRekeys(BenchDaemons pair, Duration window) {
        this.pair = pair;
        this.window = window;
    }

    /** Rekeys every established IKE SA once (the branch office's list; even ones from its end, odd from the gateway). */
    Phase ikeSas() throws InterruptedException {
        List<Supplier<CompletableFuture<?>>> rekeys = new ArrayList<>();
        List<IkeSaInfo> sas = pair.branch().gateway().established();
        for (int i = 0; i < sas.size(); i++) {
            IkeDaemon from = i % 2 == 0 ? pair.branch() : pair.gateway();
            long spiI = sas.get(i).spiI();
            rekeys.add(() -> from.rekeyIkeSa(spiI));
        }
        return run("IKE SA rekeys", rekeys);
    }

    /** Rekeys every CHILD_SA of the established IKE SAs once, the ends taking turns as for {@link #ikeSas}. */
    Phase childSas() throws InterruptedException {
        List<Supplier<CompletableFuture<?>>> rekeys = new ArrayList<>();
        for (IkeSaInfo sa : pair.branch().gateway().established()) {
            for (ChildSaRecord c : sa.children()) {
                boolean fromBranch = rekeys.size() % 2 == 0;
                IkeDaemon from = fromBranch ? pair.branch() : pair.gateway();
                // the gateway names the CHILD_SA by its own inbound SPI: the branch office's outbound one
                int spi = fromBranch ? c.inboundSpi() : c.outboundSpi();
                rekeys.add(() -> from.rekeyChild(sa.spiI(), spi));
            }
        }
        return run("CHILD_SA rekeys", rekeys);
    }

    private Phase run(String what, List<Supplier<CompletableFuture<?>>> rekeys) throws InterruptedException {
        int n = rekeys.size();
        long[] latencies = new long[n];
        Arrays.fill(latencies, -1);
        AtomicInteger failures = new AtomicInteger();
        Map<String, Integer> reasons = new ConcurrentHashMap<>();
        AtomicLong lastDone = new AtomicLong();
        CountDownLatch done = new CountDownLatch(n);
        long tokenBefore = pair.tokenMicros();
        ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-rekeys");
            t.setDaemon(true);
            return t;
        });
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                int k = i;
                long at = window.isZero() ? 0 : random.nextLong(window.toNanos());
                var _ = starter.schedule(
                        () -> {
                            long start = System.nanoTime();
                            var _ = rekeys.get(k).get().whenComplete((r, e) -> {
                                long end = System.nanoTime();
                                if (e != null) {
                                    failures.incrementAndGet();
                                    String why = Main.message(e.getCause() != null ? e.getCause() : e);
                                    // by reason, SPIs left out (they would make every failure a reason of its own)
                                    reasons.merge(why.replaceAll("[0-9a-f]{16}(_[ir])?", "SPI"), 1, Integer::sum);
                                } else {
                                    latencies[k] = end - start;
                                }
                                lastDone.accumulateAndGet(end, Math::max);
                                done.countDown();
                            });
                        },
                        at,
                        TimeUnit.NANOSECONDS);
            }
            // Bounded: each rekey ends by its retransmissions at the latest (under 2 minutes with any sane settings).
            long bound = window.toSeconds() + 180 + n / 20;
            if (!done.await(bound, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        what + " did not finish in " + bound + " s (" + done.getCount() + " of " + n + " open)");
            }
        } finally {
            starter.shutdownNow();
        }
        long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        return new Phase(
                what,
                n,
                failures.get(),
                reasons.isEmpty() ? null : new TreeMap<>(reasons).toString(),
                (lastDone.get() - t0) / 1e9,
                ok,
                pair.tokenMicros() - tokenBefore);
    }
}
