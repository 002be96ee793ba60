package io.ikeseal.hsm.sign;

import java.util.Optional;

/** IKEv2 Authentication Method numbers of the AUTH payload (RFC 7296 §3.8, RFC 4754, RFC 7427 §3). */
public enum AuthMethod {
    /** PKCS#1 v1.5 RSA signature; the hash is SHA-1 in practice (strongSwan, libreswan). */
    RSA_DIGITAL_SIGNATURE(1),
    /** prf(prf(Shared Secret, "Key Pad for IKEv2"), octets); not a signature, see io.ikeseal.hsm.psk. */
    SHARED_KEY_MIC(2),
    /** RFC 4754: r|s, each as long as the P-256 field. */
    ECDSA_SHA256_P256(9),
    ECDSA_SHA384_P384(10),
    ECDSA_SHA512_P521(11),
    /** RFC 7427: the AUTH data names its signature algorithm with an ASN.1 AlgorithmIdentifier. */
    DIGITAL_SIGNATURE(14);

    private final int number;

    AuthMethod(int number) {
        this.number = number;
    }

    /** The Auth Method field value. */
    public int number() {
        return number;
    }

    public static Optional<AuthMethod> of(int number) {
        for (AuthMethod m : values()) {
            if (m.number == number) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public boolean isSignature() {
        return this != SHARED_KEY_MIC;
    }
}
