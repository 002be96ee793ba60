package io.ikeseal.hsm.sign;

import java.security.PublicKey;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peers' public keys in the form a verifier works with (a token's session object, a provider's own key with its
 * precomputed multiples), per SubjectPublicKeyInfo, so that every SA of a peer reuses what its first SA built. At
 * most {@code capacity} are held, the least recently used dropped first. A lookup is a {@link ConcurrentHashMap}
 * read and one counter write; only an insert past the bound takes the eviction lock.
 */
final class PeerKeys<V> {
    private final int capacity;
    private final Map<Spki, Held<V>> held = new ConcurrentHashMap<>();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong added = new AtomicLong();
    private final Object evicting = new Object();

    PeerKeys(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("peer key capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** A SubjectPublicKeyInfo DER, compared by content. */
    private record Spki(byte[] der) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Spki s && Arrays.equals(der, s.der);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(der);
        }

        @Override
        public String toString() {
            return "Spki(" + der.length + " octets)";
        }
    }

    private static final class Held<V> {
        final V value;
        final int generation;
        volatile long used;

        Held(V value, int generation, long used) {
            this.value = value;
            this.generation = generation;
            this.used = used;
        }
    }

    /** Builds what {@code key} becomes for a verifier. */
    @FunctionalInterface
    interface Convert<V> {
        V convert(PublicKey key) throws java.security.GeneralSecurityException;
    }

    /**
     * What {@code key} was converted to in {@code generation} (e.g. a token session's; a value from another one is
     * converted again), converting it now if it is not held.
     */
    V get(PublicKey key, int generation, Convert<V> convert) throws java.security.GeneralSecurityException {
        Spki spki = new Spki(key.getEncoded());
        Held<V> h = held.get(spki);
        if (h != null && h.generation == generation) {
            h.used = ticks.incrementAndGet();
            return h.value;
        }
        V value = convert.convert(key);
        added.incrementAndGet();
        held.put(spki, new Held<>(value, generation, ticks.incrementAndGet()));
        if (held.size() > capacity) {
            evict();
        }
        return value;
    }

    private void evict() {
        synchronized (evicting) {
            while (held.size() > capacity) {
                Map.Entry<Spki, Held<V>> oldest = null;
                for (Map.Entry<Spki, Held<V>> e : held.entrySet()) {
                    if (oldest == null || e.getValue().used < oldest.getValue().used) {
                        oldest = e;
                    }
                }
                if (oldest == null) {
                    return;
                }
                held.remove(oldest.getKey(), oldest.getValue());
            }
        }
    }

    /** Keys converted so far (one dropped and needed again counts again). */
    long added() {
        return added.get();
    }

    int size() {
        return held.size();
    }
}
