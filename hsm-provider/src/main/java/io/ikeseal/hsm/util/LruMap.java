package io.ikeseal.hsm.util;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A map of at most {@code capacity} entries that drops the least recently used first: what a per-peer cache on
 * the handshake path needs (docs/performance.md, "Bounded caches").
 *
 * <p>A lookup is a {@link ConcurrentHashMap} read and one counter write, no lock. Recency is a tick from a shared
 * counter written into the entry on each hit and put; two threads touching entries at once may record their ticks
 * in either order, so the order is approximate only between uses that overlap in time. Only a put that takes the
 * map past its bound takes the eviction lock and scans all entries for the oldest tick: with a few hundred entries
 * that costs less than the work (a path validation, a key import) a miss has just paid for.
 */
public final class LruMap<K, V> {
    private final int capacity;
    private final Map<K, Node<V>> nodes = new ConcurrentHashMap<>();
    private final AtomicLong ticks = new AtomicLong();
    private final Object evicting = new Object();

    /**
     * An empty map.
     *
     * @param capacity entries held at most; 0 holds nothing (every put is dropped at once)
     */
    public LruMap(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("LRU map capacity must be >= 0, got " + capacity);
        }
        this.capacity = capacity;
    }

    private static final class Node<V> {
        final V value;
        volatile long used;

        Node(V value, long used) {
            this.value = value;
            this.used = used;
        }
    }

    /** The value held for {@code key}, now the most recently used, or null. */
    public V get(K key) {
        return get(key, v -> true);
    }

    /**
     * The value held for {@code key} if it is still {@code usable}, now the most recently used; null if none is
     * held, and null if the one held is not usable, which is then removed (unless a put replaced it meanwhile).
     */
    public V get(K key, Predicate<? super V> usable) {
        Node<V> n = nodes.get(key);
        if (n == null) {
            return null;
        }
        if (!usable.test(n.value)) {
            nodes.remove(key, n);
            return null;
        }
        n.used = ticks.incrementAndGet();
        return n.value;
    }

    /** Holds {@code value} for {@code key} as the most recently used, dropping the least recently used past the bound. */
    public void put(K key, V value) {
        nodes.put(key, new Node<>(value, ticks.incrementAndGet()));
        if (nodes.size() > capacity) {
            evict();
        }
    }

    /** Entries held now. */
    public int size() {
        return nodes.size();
    }

    /** Drops least recently used entries until the bound holds; one evictor at a time. */
    private void evict() {
        synchronized (evicting) {
            while (nodes.size() > capacity) {
                Map.Entry<K, Node<V>> oldest = null;
                for (Map.Entry<K, Node<V>> e : nodes.entrySet()) {
                    if (oldest == null || e.getValue().used < oldest.getValue().used) {
                        oldest = e;
                    }
                }
                if (oldest == null) {
                    return;
                }
                nodes.remove(oldest.getKey(), oldest.getValue());
            }
        }
    }
}
