package io.ikeseal.hsm.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The bounded least-recently-used map behind the peer key and PKIX result caches. */
class LruMapTest {

    @Test
    void boundDropsTheLeastRecentlyPut() {
        LruMap<String, Integer> m = new LruMap<>(2);
        m.put("a", 1);
        m.put("b", 2);
        m.put("c", 3);
        assertEquals(2, m.size());
        assertNull(m.get("a"));
        assertEquals(2, m.get("b"));
        assertEquals(3, m.get("c"));
    }

    @Test
    void getMakesAnEntryTheMostRecent() {
        LruMap<String, Integer> m = new LruMap<>(2);
        m.put("a", 1);
        m.put("b", 2);
        assertEquals(1, m.get("a"));
        m.put("c", 3);
        assertNull(m.get("b"), "b was the least recently used");
        assertEquals(1, m.get("a"));
        assertEquals(3, m.get("c"));
    }

    @Test
    void putAgainReplacesAndMakesTheMostRecent() {
        LruMap<String, Integer> m = new LruMap<>(2);
        m.put("a", 1);
        m.put("b", 2);
        m.put("a", 10);
        assertEquals(2, m.size());
        m.put("c", 3);
        assertNull(m.get("b"));
        assertEquals(10, m.get("a"));
    }

    @Test
    void missAndLookupsOfOthersDoNotChangeTheOrder() {
        LruMap<String, Integer> m = new LruMap<>(3);
        m.put("a", 1);
        m.put("b", 2);
        m.put("c", 3);
        assertNull(m.get("x"));
        assertEquals(2, m.get("b"));
        assertEquals(3, m.get("c"));
        m.put("d", 4);
        assertNull(m.get("a"));
        m.put("e", 5);
        assertNull(m.get("b"));
        assertEquals(3, m.get("c"));
    }

    @Test
    void anUnusableEntryIsDroppedAndNotTouched() {
        LruMap<String, Integer> m = new LruMap<>(2);
        m.put("a", 1);
        m.put("b", 2);
        assertEquals(2, m.get("b", v -> v == 2));
        assertNull(m.get("a", v -> v == 99));
        assertEquals(1, m.size(), "the unusable entry is gone");
        assertNull(m.get("a"));
        m.put("a", 11);
        m.put("c", 3);
        assertNull(m.get("b"));
        assertEquals(11, m.get("a", v -> v == 11));
    }

    @Test
    void capacityZeroHoldsNothingAndANegativeOneIsRefused() {
        LruMap<String, Integer> m = new LruMap<>(0);
        m.put("a", 1);
        assertEquals(0, m.size());
        assertNull(m.get("a"));
        assertThrows(IllegalArgumentException.class, () -> new LruMap<String, Integer>(-1));
    }

    @Test
    void octetsCompareByContentAndPrintNoContent() {
        LruMap<Octets, String> m = new LruMap<>(4);
        m.put(new Octets(new byte[] {1, 2, 3}), "x");
        assertEquals("x", m.get(new Octets(new byte[] {1, 2, 3})));
        assertNull(m.get(new Octets(new byte[] {1, 2, 4})));
        assertEquals("Octets(3)", new Octets(new byte[] {1, 2, 3}).toString());
    }

    /**
     * A few threads getting and putting, each over a hot key and a walk through more keys than the bound: every
     * value read is the one put for its key, the hot keys are found, nothing throws, and once they are done the
     * bound holds.
     */
    @Test
    void concurrentUseKeepsTheBoundAndTheValues() throws Exception {
        int capacity = 16;
        int keys = 64;
        int threads = 4;
        int rounds = 5_000;
        LruMap<Integer, String> m = new LruMap<>(capacity);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int hot = keys + t;
                int seed = t;
                done.add(pool.submit(() -> {
                    assertTrue(start.await(10, TimeUnit.SECONDS));
                    int hits = 0;
                    for (int i = 0; i < rounds; i++) {
                        hits += lookUp(m, hot);
                        lookUp(m, (i * 7 + seed * 13) % keys);
                    }
                    return hits;
                }));
            }
            start.countDown();
            int hits = 0;
            for (Future<Integer> f : done) {
                hits += f.get(30, TimeUnit.SECONDS);
            }
            assertTrue(m.size() <= capacity, "size " + m.size() + " past the bound " + capacity);
            assertTrue(hits > 0, "hot keys found");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    /** 1 on a hit (checking the value), 0 on a miss (after putting the value). */
    private static int lookUp(LruMap<Integer, String> m, int k) {
        String v = m.get(k);
        if (v == null) {
            m.put(k, "v" + k);
            return 0;
        }
        assertEquals("v" + k, v);
        return 1;
    }
}
