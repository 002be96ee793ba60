package io.ikeseal.hsm.sign;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.util.Optional;

/** The kinds of identity key IKE_AUTH signs with; EC keys are told apart by their curve's group order. */
public enum KeyType {
    EC_P256("secp256r1", 32),
    EC_P384("secp384r1", 48),
    EC_P521("secp521r1", 66),
    RSA(null, 0);

    private final String curve;
    private final int fieldLength;
    private final BigInteger order;

    KeyType(String curve, int fieldLength) {
        this.curve = curve;
        this.fieldLength = fieldLength;
        this.order = curve == null ? null : orderOf(curve);
    }

    private static BigInteger orderOf(String curve) {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC", "SunEC");
            p.init(new ECGenParameterSpec(curve));
            return p.getParameterSpec(ECParameterSpec.class).getOrder();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks curve " + curve, e);
        }
    }

    public boolean isEc() {
        return curve != null;
    }

    /** Octets of r and of s in an RFC 4754 signature (the field size); 0 for RSA. */
    public int fieldLength() {
        return fieldLength;
    }

    /** Standard curve name, or null for RSA. */
    public String curve() {
        return curve;
    }

    /** The kind of {@code key}, or empty for anything else (other curves, DSA, EdDSA). */
    public static Optional<KeyType> of(PublicKey key) {
        if (key instanceof RSAPublicKey) {
            return Optional.of(RSA);
        }
        if (key instanceof ECPublicKey ec) {
            BigInteger n = ec.getParams().getOrder();
            for (KeyType t : values()) {
                if (t.order != null && t.order.equals(n)) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }
}
