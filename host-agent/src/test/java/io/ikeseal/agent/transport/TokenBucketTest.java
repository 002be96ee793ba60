package io.ikeseal.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The answer rate limit, on a clock the test moves (no timing). */
class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(Long.MAX_VALUE - 500_000_000L); // wraps around during the test

    @Test
    void burstThenRate() {
        TokenBucket b = new TokenBucket(10, 3, now::get);
        assertEquals(3, take(b, 10), "a full bucket gives its burst");
        now.addAndGet(99_999_999L);
        assertFalse(b.tryAcquire(), "a token takes 100 ms at 10/s");
        now.addAndGet(1);
        assertTrue(b.tryAcquire());
        assertFalse(b.tryAcquire());
        now.addAndGet(250_000_000L);
        assertEquals(2, take(b, 10));
        now.addAndGet(50_000_000L); // the half token left over plus this half make one
        assertEquals(1, take(b, 10));
    }

    @Test
    void idleTimeFillsTheBucketOnlyToItsBurst() {
        TokenBucket b = new TokenBucket(1_000_000, 5, now::get);
        assertEquals(5, take(b, 10));
        now.addAndGet(Long.MAX_VALUE / 2); // about 146 years without an answer
        assertEquals(5, take(b, 10));
    }

    @Test
    void aClockGoingBackwardsAddsNothing() {
        TokenBucket b = new TokenBucket(10, 1, now::get);
        assertTrue(b.tryAcquire());
        now.addAndGet(-1_000_000_000L);
        assertFalse(b.tryAcquire());
    }

    @Test
    void rateAndBurstArePositive() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0));
    }

    private static int take(TokenBucket b, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            n += b.tryAcquire() ? 1 : 0;
        }
        return n;
    }
}
