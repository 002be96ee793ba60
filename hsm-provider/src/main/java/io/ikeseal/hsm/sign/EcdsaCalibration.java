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
 * measured at least {@value #MIN_SPEEDUP} times as fast (SoftHSM's, through OpenSSL, is about 2.5 times BouncyCastle;
 * NSS 3.87's softoken is slower than the host; a smartcard far slower). Only P-256, the curve where a token won
 * clearly (docs/performance.md); P-384 and P-521 stay on the host. Timed as the median of a few verifications,
 * each with a throw-away key seen for the first time, after a warm-up bounded in time. Host and token keep converted
 * peer keys, which narrows the gap for a peer seen again (BouncyCastle gains most), but a token that is twice as fast
 * for new peers is still the faster one then.
 */
public final class EcdsaCalibration {
    private static final Logger LOG = LoggerFactory.getLogger(EcdsaCalibration.class);
    /** How much faster a token must be to be worth a call into it on the exchange's thread. */
    static final int MIN_SPEEDUP = 2;

    private static final int SAMPLES = 15;
    private static final long HOST_WARMUP_NANOS = 300_000_000L;
    private static final long TOKEN_WARMUP_NANOS = 30_000_000L;

    private EcdsaCalibration() {}

    /** A peer's key and its signature of the calibration octets. */
    private record Signed(KeyPair key, byte[] rs) {}

    /** The fastest of the host and the tokens that offer CKM_ECDSA; the host when nothing is clearly faster. */
    public static EcdsaVerifier choose(List<Token> tokens) {
        try {
            byte[] octets = new byte[700];
            Signed warm = signed(octets);
            Signed[] fresh = new Signed[SAMPLES * (1 + tokens.size())];
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = signed(octets);
            }
            long host = medianNanos(EcdsaVerifier.host(), warm, fresh, 0, octets, HOST_WARMUP_NANOS);
            EcdsaVerifier best = EcdsaVerifier.host();
            long bestNanos = host;
            int next = SAMPLES;
            for (Token t : tokens) {
                if (!t.capabilities().offers(Mechanisms.CKM_ECDSA)) {
                    continue;
                }
                TokenEcdsa candidate = new TokenEcdsa(t, Set.of(KeyType.EC_P256), TokenEcdsa.DEFAULT_CAPACITY);
                long nanos = medianNanos(candidate, warm, fresh, next, octets, TOKEN_WARMUP_NANOS);
                next += SAMPLES;
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

    private static Signed signed(byte[] octets) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec(KeyType.EC_P256.curve()));
        KeyPair k = g.generateKeyPair();
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        s.initSign(k.getPrivate());
        s.update(octets);
        return new Signed(k, s.sign());
    }

    /**
     * Median time of one verification with a key seen for the first time (fresh[from..from+SAMPLES), so the engine's
     * key conversion or import counts: the cost for a new peer, where engines differ most) after warming up on
     * {@code warm}; {@code Long.MAX_VALUE} if a verification gives the wrong answer.
     */
    private static long medianNanos(
            EcdsaVerifier v, Signed warm, Signed[] fresh, int from, byte[] octets, long warmupNanos)
            throws GeneralSecurityException {
        long end = System.nanoTime() + warmupNanos;
        for (int i = 0; i < 10_000 && System.nanoTime() < end; i++) {
            if (!v.verify(warm.key().getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, octets, warm.rs())) {
                return Long.MAX_VALUE;
            }
        }
        long[] t = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            Signed s = fresh[from + i];
            long t0 = System.nanoTime();
            boolean ok = v.verify(s.key().getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, octets, s.rs());
            t[i] = System.nanoTime() - t0;
            if (!ok) {
                return Long.MAX_VALUE;
            }
        }
        Arrays.sort(t);
        return t[SAMPLES / 2];
    }
}
