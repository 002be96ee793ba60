package io.ikeseal.agent.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.ikeseal.hsm.token.Token;

/**
 * Closed-loop throughput of one asynchronous token operation: {@code concurrency} callers each start the next
 * operation when the previous one completes. The first part of the time budget is warm-up (not counted); an
 * operation counts when it completes inside the measuring window. A window in which nothing completed (a token
 * slower than the budget, or a loaded machine) is stretched to the first completion, so a result is never 0/s.
 */
final class Throughput {
    /** Warm-up share of the budget, at most {@link #MAX_WARMUP_NANOS}. */
    private static final double WARMUP_SHARE = 0.2;

    private static final long MAX_WARMUP_NANOS = 1_000_000_000L;

    /**
     * @param operations completed in the measuring window
     * @param seconds    length of the measuring window
     * @param meanMillis mean latency of those operations
     */
    record Result(int concurrency, long operations, double seconds, double meanMillis) {
        double perSecond() {
            return seconds <= 0 ? 0 : operations / seconds;
        }
    }

    private Throughput() {}

    /** Runs {@code op} for {@code seconds} in total (warm-up included); the first failure is thrown. */
    static Result measure(Supplier<CompletableFuture<?>> op, int concurrency, double seconds) throws Exception {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long measureFrom = start + Math.min(MAX_WARMUP_NANOS, (long) (budget * WARMUP_SHARE));
        long end = start + budget;
        AtomicLong count = new AtomicLong();
        AtomicLong latency = new AtomicLong();
        AtomicLong lastCounted = new AtomicLong(end);
        ExecutorService callers = Executors.newFixedThreadPool(
                concurrency,
                Thread.ofPlatform().daemon().name("bench-caller-", 0).factory());
        try {
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                loops.add(callers.submit(() -> {
                    while (System.nanoTime() < end || count.get() == 0) {
                        long t0 = System.nanoTime();
                        Token.await(op.get());
                        long t1 = System.nanoTime();
                        if (t1 >= measureFrom && (t1 <= end || count.get() == 0)) {
                            count.incrementAndGet();
                            latency.addAndGet(t1 - t0);
                            lastCounted.accumulateAndGet(t1, Math::max);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : loops) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception ex ? ex : e;
                }
            }
        } finally {
            callers.shutdownNow();
        }
        long n = count.get();
        return new Result(
                concurrency, n, (lastCounted.get() - measureFrom) / 1e9, n == 0 ? 0 : latency.get() / 1e6 / n);
    }
}
