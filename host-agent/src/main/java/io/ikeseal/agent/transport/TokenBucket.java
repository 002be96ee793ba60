package io.ikeseal.agent.transport;

import java.util.function.LongSupplier;

/**
 * A token bucket bounding the unprotected answers the transport sends. Anyone can forge the source address of a
 * request that provokes an answer, so without a bound our answers could be aimed at a third party (reflection);
 * RFC 7296 §2.21.4 makes INVALID_IKE_SPI optional for that reason. One bucket serves all sockets: it caps our total
 * output, and a per-source table would itself be memory an attacker could fill. Exact integer arithmetic (a token
 * is {@code 10^9} credits, each nanosecond adds {@code perSecond} of them); thread-safe.
 */
public final class TokenBucket {
    private static final long CREDITS_PER_TOKEN = 1_000_000_000L;

    private final long perSecond;
    private final long capacity;
    private final LongSupplier nanoClock;
    private long credits;
    private long last;

    /**
     * @param perSecond tokens added per second
     * @param burst     the most tokens held, and the number available at the start
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime} outside tests)
     */
    public TokenBucket(int perSecond, int burst, LongSupplier nanoClock) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1, not " + perSecond + "/" + burst);
        }
        this.perSecond = perSecond;
        this.capacity = burst * CREDITS_PER_TOKEN;
        this.nanoClock = nanoClock;
        this.credits = capacity;
        this.last = nanoClock.getAsLong();
    }

    public TokenBucket(int perSecond, int burst) {
        this(perSecond, burst, System::nanoTime);
    }

    /** Takes one token if there is one. */
    public synchronized boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        long elapsed = now - last; // differences of nanoTime values are meaningful across wrap-around
        if (elapsed > 0) {
            // Clamp before multiplying: an idle hour must fill the bucket, not overflow it.
            credits = elapsed >= (capacity - credits) / perSecond + 1
                    ? capacity
                    : Math.min(capacity, credits + elapsed * perSecond);
            last = now;
        }
        if (credits >= CREDITS_PER_TOKEN) {
            credits -= CREDITS_PER_TOKEN;
            return true;
        }
        return false;
    }
}
