package io.ikeseal.hsm.sign;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.concurrent.atomic.AtomicLong;

import io.ikeseal.hsm.util.LruMap;
import io.ikeseal.hsm.util.Octets;

/**
 * Peers' public keys in the form a verifier works with (a token's session object, a provider's own key with its
 * precomputed multiples), per SubjectPublicKeyInfo, so that every SA of a peer reuses what its first SA built. At
 * most {@code capacity} are held, the least recently used dropped first ({@link LruMap}: a lookup takes no lock).
 */
final class PeerKeys<V> {
    /** Keyed by the SubjectPublicKeyInfo DER. */
    private final LruMap<Octets, Held<V>> held;

    private final AtomicLong added = new AtomicLong();

    PeerKeys(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("peer key capacity must be >= 1, got " + capacity);
        }
        this.held = new LruMap<>(capacity);
    }

    private record Held<V>(V value, int generation) {}

    /** Builds what {@code key} becomes for a verifier. */
    @FunctionalInterface
    interface Convert<V> {
        V convert(PublicKey key) throws GeneralSecurityException;
    }

    /**
     * What {@code key} was converted to in {@code generation} (e.g. a token session's; a value from another one is
     * converted again), converting it now if it is not held.
     */
    V get(PublicKey key, int generation, Convert<V> convert) throws GeneralSecurityException {
        Octets spki = new Octets(key.getEncoded());
        Held<V> h = held.get(spki, v -> v.generation() == generation);
        if (h != null) {
            return h.value();
        }
        V value = convert.convert(key);
        added.incrementAndGet();
        held.put(spki, new Held<>(value, generation));
        return value;
    }

    /** Keys converted so far (one dropped and needed again counts again). */
    long added() {
        return added.get();
    }

    int size() {
        return held.size();
    }
}
