package io.ikeseal.hsm.sign;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.token.Mechanisms;
import io.ikeseal.hsm.token.Token;

/**
 * Picks who verifies peers' ECDSA P-256 signatures, once at start: the host, or the open token whose C_Verify is
 * measured at least {@value #MIN_SPEEDUP} times as fast. Measured as the daemon then works: a peer's key seen again
 * (both engines keep converted keys, {@link PeerKeys}), median of a few verifications after a warm-up bounded in
 * time. There BouncyCastle with the named curve is about as fast as SoftHSM's OpenSSL (docs/performance.md), so the
 * host wins and no token is called on the exchange's thread; NSS 3.87's softoken is slower, a smartcard far slower.
 * Only P-256, the curve where a token ever came close; P-384 and P-521 stay on the host.
 */
public final class EcdsaCalibration {
    private static final Logger LOG = LoggerFactory.getLogger(EcdsaCalibration.class);
    /**
     * How much faster a token must be to be worth a call into it on the exchange's thread; 3 rather than 2 also
     * because the host's warm-up here is short and leaves it slower than it will be.
     */
    static final int MIN_SPEEDUP = 3;

    private static final int SAMPLES = 15;
    private static final long HOST_WARMUP_NANOS = 300_000_000L;
    private static final long TOKEN_WARMUP_NANOS = 30_000_000L;

    private EcdsaCalibration() {}

    /** The fastest of the host and the tokens that offer CKM_ECDSA; the host when nothing is clearly faster. */
    public static EcdsaVerifier choose(List<Token> tokens) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
            g.initialize(new ECGenParameterSpec(KeyType.EC_P256.curve()));
            KeyPair k = g.generateKeyPair();
            byte[] octets = new byte[700];
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
            s.initSign(k.getPrivate());
            s.update(octets);
            byte[] rs = s.sign();
            long host = medianNanos(EcdsaVerifier.host(), k, octets, rs, HOST_WARMUP_NANOS);
            EcdsaVerifier best = EcdsaVerifier.host();
            long bestNanos = host;
            for (Token t : tokens) {
                if (!t.capabilities().offers(Mechanisms.CKM_ECDSA)) {
                    continue;
                }
                TokenEcdsa candidate = new TokenEcdsa(t, Set.of(KeyType.EC_P256), TokenEcdsa.DEFAULT_CAPACITY);
                long nanos = medianNanos(candidate, k, octets, rs, TOKEN_WARMUP_NANOS);
                LOG.info("ECDSA P-256 verify: token '{}' {} us, host {} us", t.name(), nanos / 1000, host / 1000);
                if (nanos * MIN_SPEEDUP <= host && nanos < bestNanos) {
                    best = candidate;
                    bestNanos = nanos;
                }
            }
            LOG.info("peer ECDSA P-256 signatures verified by {}", best.engine(KeyType.EC_P256));
            return best;
        } catch (GeneralSecurityException | RuntimeException e) {
            LOG.info("peer ECDSA signatures verified on the host (calibration failed: {})", e.toString());
            return EcdsaVerifier.host();
        }
    }

    /** Median time of one verification after warming up; {@code Long.MAX_VALUE} if one gives the wrong answer. */
    private static long medianNanos(EcdsaVerifier v, KeyPair k, byte[] octets, byte[] rs, long warmupNanos)
            throws GeneralSecurityException {
        long end = System.nanoTime() + warmupNanos;
        for (int i = 0; i < 10_000 && System.nanoTime() < end; i++) {
            if (!v.verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, octets, rs)) {
                return Long.MAX_VALUE;
            }
        }
        long[] t = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            long t0 = System.nanoTime();
            boolean ok = v.verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, octets, rs);
            t[i] = System.nanoTime() - t0;
            if (!ok) {
                return Long.MAX_VALUE;
            }
        }
        Arrays.sort(t);
        return t[SAMPLES / 2];
    }
}
