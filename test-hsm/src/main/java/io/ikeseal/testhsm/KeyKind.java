package io.ikeseal.testhsm;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** Identity key types a test token can hold, with the signature each one naturally uses. */
public enum KeyKind {
    EC_P256("EC", new ECGenParameterSpec("secp256r1"), "SHA256withECDSA"),
    EC_P384("EC", new ECGenParameterSpec("secp384r1"), "SHA384withECDSA"),
    EC_P521("EC", new ECGenParameterSpec("secp521r1"), "SHA512withECDSA"),
    RSA_2048("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), "SHA256withRSA"),
    RSA_3072("RSA", new RSAKeyGenParameterSpec(3072, RSAKeyGenParameterSpec.F4), "SHA256withRSA");

    private final String algorithm;

    @SuppressWarnings("ImmutableEnumChecker") // the JDK's key generation specs have no setters
    private final AlgorithmParameterSpec spec;

    private final String signatureAlgorithm;

    KeyKind(String algorithm, AlgorithmParameterSpec spec, String signatureAlgorithm) {
        this.algorithm = algorithm;
        this.spec = spec;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** JCA key algorithm: "EC" or "RSA". */
    public String algorithm() {
        return algorithm;
    }

    /** KeyPairGenerator parameters. */
    public AlgorithmParameterSpec spec() {
        return spec;
    }

    /** A JCA signature name that fits the key, e.g. "SHA384withECDSA". */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }
}
