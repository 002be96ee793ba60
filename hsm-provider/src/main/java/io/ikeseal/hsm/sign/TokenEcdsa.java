package io.ikeseal.hsm.sign;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.token.Mechanisms;
import io.ikeseal.hsm.token.Token;

/**
 * ECDSA verification by a token's C_Verify (CKM_ECDSA over a hash computed on the host), for the curves where that
 * measured clearly faster than the host (docs/performance.md); other curves go to the host. The peer's public key is
 * imported into the token once, as a session object (never a token object: nothing is written to the token), and
 * reused for every SA of that peer; at most {@code capacity} such keys are held, the least recently used dropped
 * first (SunPKCS11 destroys a dropped key's session object when it is collected). The call runs on the calling
 * thread ({@link io.ikeseal.hsm.token.TokenHealth#runPublicKeyWork}), which is why only a token measured fast is
 * chosen ({@link EcdsaCalibration}); one that is not ready, or fails the call, hands the verification to the host,
 * which gives the same answer.
 *
 * <p>Not an audited token operation: it uses no secret and no object that outlives the process, and its outcome is
 * audited anyway, in the peer-auth record, which names the token as the engine (docs/performance.md).
 */
public final class TokenEcdsa implements EcdsaVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEcdsa.class);
    /** Peer keys held in the token by default. */
    public static final int DEFAULT_CAPACITY = 64;

    private final Token token;
    private final Set<KeyType> curves;
    private final int capacity;
    private final Map<Spki, Imported> keys = new ConcurrentHashMap<>();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong imports = new AtomicLong();
    private final Object evicting = new Object();

    /**
     * @param curves the key types verified in the token; others go to the host
     */
    public TokenEcdsa(Token token, Set<KeyType> curves, int capacity) {
        if (!token.capabilities().offers(Mechanisms.CKM_ECDSA)) {
            throw new IllegalArgumentException("token '" + token.name() + "' does not offer CKM_ECDSA");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("peer key capacity must be >= 1, got " + capacity);
        }
        this.token = token;
        this.curves = Set.copyOf(curves);
        this.capacity = capacity;
    }

    /** The SubjectPublicKeyInfo DER of a peer key: what a cached token key stands for. */
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

    /** A key imported in the token's session {@code generation} (a reopened token has lost the older ones). */
    private static final class Imported {
        final int generation;
        final PublicKey key;
        volatile long used;

        Imported(int generation, PublicKey key, long used) {
            this.generation = generation;
            this.key = key;
            this.used = used;
        }
    }

    @Override
    public boolean verify(PublicKey key, KeyType type, HashAlgorithm hash, byte[] octets, byte[] rs)
            throws GeneralSecurityException {
        if (!curves.contains(type)) {
            return HostEcdsa.INSTANCE.verify(key, type, hash, octets, rs);
        }
        byte[] digest = MessageDigest.getInstance(hash.jcaName(), "SUN").digest(octets);
        try {
            return token.health().runPublicKeyWork(() -> {
                Provider p = token.provider();
                Signature v = Signature.getInstance("NONEwithECDSAinP1363Format", p);
                v.initVerify(imported(p, key));
                v.update(digest);
                return v.verify(rs); // CKR_SIGNATURE_INVALID is a plain false
            });
        } catch (Exception e) {
            // anything thrown is the token's trouble (not ready, session gone), not the peer's: the host decides
            LOG.debug("token '{}' did not verify ECDSA ({}); verifying on the host", token.name(), e.toString());
            return HostEcdsa.INSTANCE.verify(key, type, hash, octets, rs);
        }
    }

    private PublicKey imported(Provider p, PublicKey key) throws GeneralSecurityException {
        Spki spki = new Spki(key.getEncoded());
        int generation = token.health().generation();
        Imported i = keys.get(spki);
        if (i != null && i.generation == generation) {
            i.used = ticks.incrementAndGet();
            return i.key;
        }
        PublicKey inToken = (PublicKey) KeyFactory.getInstance("EC", p).translateKey(key);
        imports.incrementAndGet();
        keys.put(spki, new Imported(generation, inToken, ticks.incrementAndGet()));
        if (keys.size() > capacity) {
            evict();
        }
        return inToken;
    }

    private void evict() {
        synchronized (evicting) {
            while (keys.size() > capacity) {
                Map.Entry<Spki, Imported> oldest = null;
                for (Map.Entry<Spki, Imported> e : keys.entrySet()) {
                    if (oldest == null || e.getValue().used < oldest.getValue().used) {
                        oldest = e;
                    }
                }
                if (oldest == null) {
                    return;
                }
                keys.remove(oldest.getKey(), oldest.getValue());
            }
        }
    }

    @Override
    public String engine(KeyType type) {
        return curves.contains(type) ? "token " + token.name() : "host";
    }

    /** Public keys imported into the token so far (a key dropped and needed again counts again). */
    public long imports() {
        return imports.get();
    }

    /** Peer keys held in the token now. */
    public int held() {
        return keys.size();
    }
}
