package io.ikeseal.agent.metrics;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram in seconds with fixed buckets, updated without locks (one {@link LongAdder} per bucket). The
 * default buckets span 100 µs (a software token's HKDF step) to 10 s (a slow smartcard, an fsync under load).
 */
public final class Histogram {
    static final double[] SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };
    private static final String[] LE = Arrays.stream(SECONDS)
            .mapToObj(s -> BigDecimal.valueOf(s).stripTrailingZeros().toPlainString())
            .toArray(String[]::new);
    private static final long[] BOUNDS_NANOS =
            Arrays.stream(SECONDS).mapToLong(s -> Math.round(s * 1e9)).toArray();

    /** counts[i]: observations in (bound[i-1], bound[i]]; the last one: above every bound (+Inf). */
    private final LongAdder[] counts = new LongAdder[SECONDS.length + 1];

    private final LongAdder sumNanos = new LongAdder();

    public Histogram() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void observeNanos(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUNDS_NANOS.length && n > BOUNDS_NANOS[i]) {
            i++;
        }
        counts[i].increment();
        sumNanos.add(n);
    }

    public long count() {
        long c = 0;
        for (LongAdder a : counts) {
            c += a.sum();
        }
        return c;
    }

    /**
     * {@code name_bucket} (cumulative, {@code le} last among the labels), {@code name_sum} in seconds and
     * {@code name_count}, which equals the {@code +Inf} bucket because both come from one read of the buckets.
     */
    public void writeTo(MetricWriter w, String name, String... labels) {
        String[] withLe = Arrays.copyOf(labels, labels.length + 2);
        withLe[labels.length] = "le";
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i].sum();
            withLe[labels.length + 1] = i < LE.length ? LE[i] : "+Inf";
            w.sample(name + "_bucket", cumulative, withLe);
        }
        w.sample(name + "_sum", sumNanos.sum() / 1e9, labels);
        w.sample(name + "_count", cumulative, labels);
    }
}
