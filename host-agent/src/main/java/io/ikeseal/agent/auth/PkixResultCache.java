package io.ikeseal.agent.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.ikeseal.hsm.util.LruMap;
import io.ikeseal.hsm.util.Octets;

/**
 * Successful PKIX path validations, remembered so that the same peer's chain is not validated again on every SA
 * (docs/performance.md, "Verifying the peer"). An entry is keyed by a SHA-256 over the trust anchor set, the
 * validation policy and every certificate of the path exactly as encoded, so a different chain to the same
 * end-entity certificate, other anchors or another policy never share an entry. It holds until the earlier of its
 * time to live and the earliest notAfter in the path, and only from the latest notBefore on (a clock set back does
 * not revive a path that was not valid then). Revocation is not checked (CertificateValidator never checks it), so
 * nothing a cache could make stale is consulted.
 *
 * <p>Failures are not cached: a failed validation is redone each time, so a cause that goes away (an anchor added,
 * the clock corrected, a certificate renewed) takes effect at once, and a peer cannot make us remember garbage.
 *
 * <p>Bounded: past {@code capacity} entries the least recently used goes ({@link LruMap}). A hit takes no lock;
 * only a miss that must evict takes the eviction lock, and a miss has just paid for a full path validation anyway.
 */
public final class PkixResultCache {
    /** Chains remembered by default: one per peer certificate, far more than a gateway's distinct peers. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** How long a validation is believed by default. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    /** What else decides a validation; changes to how {@link CertificateValidator} validates change this. */
    private static final byte[] POLICY = "PKIX, SUN provider, revocation off, no cert store, JDK disabledAlgorithms"
            .getBytes(StandardCharsets.US_ASCII);

    private final int capacity;
    private final Duration ttl;
    /** Keyed by the SHA-256 described above. */
    private final LruMap<Octets, Validity> entries;

    private final AtomicLong validations = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();

    public PkixResultCache(int capacity, Duration ttl) {
        if (capacity < 0) {
            throw new IllegalArgumentException("PKIX cache capacity must be >= 0, got " + capacity);
        }
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("PKIX cache time to live must be >= 0, got " + ttl);
        }
        this.capacity = capacity;
        this.ttl = ttl;
        this.entries = new LruMap<>(capacity);
    }

    public static PkixResultCache withDefaults() {
        return new PkixResultCache(DEFAULT_CAPACITY, DEFAULT_TTL);
    }

    /** When a successful validation may be believed: from the latest notBefore, until the earlier deadline. */
    private record Validity(Instant from, Instant until) {
        boolean covers(Instant now) {
            return !now.isBefore(from) && now.isBefore(until);
        }
    }

    /**
     * Null if {@code path} validated to {@code anchors} at {@code now}, remembered or by running {@code pkix}
     * (which returns null on success, else the failure, which is returned and not remembered).
     */
    AuthOutcome validate(TrustAnchors anchors, List<X509Certificate> path, Instant now, Supplier<AuthOutcome> pkix) {
        Octets key = capacity == 0 ? null : key(anchors, path);
        if (key != null && entries.get(key, v -> v.covers(now)) != null) {
            hits.incrementAndGet();
            return null;
        }
        validations.incrementAndGet();
        AuthOutcome failed = pkix.get();
        if (failed != null || key == null) {
            return failed;
        }
        Instant until = now.plus(ttl);
        Instant from = Instant.MIN;
        for (X509Certificate c : path) {
            Instant notBefore = c.getNotBefore().toInstant();
            Instant notAfter = c.getNotAfter().toInstant();
            from = notBefore.isAfter(from) ? notBefore : from;
            until = notAfter.isBefore(until) ? notAfter : until;
        }
        entries.put(key, new Validity(from, until));
        return null;
    }

    private static Octets key(TrustAnchors anchors, List<X509Certificate> path) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256", "SUN");
            d.update(POLICY);
            d.update(anchors.fingerprint());
            for (X509Certificate c : path) {
                byte[] der = c.getEncoded();
                d.update(ByteBuffer.allocate(4).putInt(der.length).array()); // lengths keep the split unambiguous
                d.update(der);
            }
            return new Octets(d.digest());
        } catch (CertificateEncodingException e) {
            return null; // not cacheable; validation decides
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** Path validations actually run (cache misses). */
    public long validations() {
        return validations.get();
    }

    /** Validations answered from the cache. */
    public long hits() {
        return hits.get();
    }

    /** Entries held now. */
    public int size() {
        return entries.size();
    }
}
