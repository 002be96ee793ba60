package io.ikeseal.hsm.sign;

import java.security.GeneralSecurityException;
import java.security.PublicKey;

/**
 * Who does the arithmetic of an ECDSA verification once {@link SignatureVerifier} has checked the signature's
 * encoding (exact r|s lengths, canonical DER): the host ({@link HostEcdsa}) or a token's C_Verify
 * ({@link TokenEcdsa}). The answer is the same math either way; docs/performance.md ("Verifying the peer") has
 * what each costs.
 */
public sealed interface EcdsaVerifier permits HostEcdsa, TokenEcdsa {
    /**
     * Whether {@code rs} (r|s, each half {@code type.fieldLength()} octets) is a valid ECDSA signature of
     * {@code octets} hashed with {@code hash} under {@code key}.
     */
    boolean verify(PublicKey key, KeyType type, HashAlgorithm hash, byte[] octets, byte[] rs)
            throws GeneralSecurityException;

    /** What did the math for a key of {@code type}, for the peer-auth audit record, e.g. "host" or a token's name. */
    String engine(KeyType type);

    /** The host's fastest provider; needs no token. */
    static EcdsaVerifier host() {
        return HostEcdsa.INSTANCE;
    }
}
