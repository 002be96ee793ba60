package io.ikeseal.hsm.sign;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Set;

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
    private final PeerKeys<PublicKey> keys;

    /**
     * @param curves the key types verified in the token; others go to the host
     */
    public TokenEcdsa(Token token, Set<KeyType> curves, int capacity) {
        if (!token.capabilities().offers(Mechanisms.CKM_ECDSA)) {
            throw new IllegalArgumentException("token '" + token.name() + "' does not offer CKM_ECDSA");
        }
        this.token = token;
        this.curves = Set.copyOf(curves);
        this.keys = new PeerKeys<>(capacity);
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
                // a reopened token (a new session generation) has lost the keys imported before
                v.initVerify(keys.get(key, token.health().generation(), k ->
                        (PublicKey) KeyFactory.getInstance("EC", p).translateKey(k)));
                v.update(digest);
                return v.verify(rs); // CKR_SIGNATURE_INVALID is a plain false
            });
        } catch (Exception e) {
            // anything thrown is the token's trouble (not ready, session gone), not the peer's: the host decides
            LOG.debug("token '{}' did not verify ECDSA ({}); verifying on the host", token.name(), e.toString());
            return HostEcdsa.INSTANCE.verify(key, type, hash, octets, rs);
        }
    }

    @Override
    public String engine(KeyType type) {
        return curves.contains(type) ? "token " + token.name() : "host";
    }

    /** Public keys imported into the token so far (a key dropped and needed again counts again). */
    public long imports() {
        return keys.added();
    }

    /** Peer keys held in the token now. */
    public int held() {
        return keys.size();
    }
}
