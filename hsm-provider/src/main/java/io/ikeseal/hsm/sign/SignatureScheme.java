package io.ikeseal.hsm.sign;

import java.security.MessageDigest;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What is signed how: the AUTH method, the hash, the padding or curve, and for method 14 the DER
 * AlgorithmIdentifier that goes in front of the signature (RFC 7427 §3, Appendix A). Method 14 accepts
 * exactly these encodings, byte for byte.
 */
public enum SignatureScheme {
    /** Method 1: EMSA-PKCS1-v1_5 with SHA-1, as strongSwan and libreswan sign it. */
    RSA_PKCS1_SHA1(AuthMethod.RSA_DIGITAL_SIGNATURE, HashAlgorithm.SHA1, Family.RSA_PKCS1, null, null),
    /** Methods 9/10/11 (RFC 4754): r|s, each padded to the curve's field size; not DER. */
    ECDSA_P256_SHA256(AuthMethod.ECDSA_SHA256_P256, HashAlgorithm.SHA2_256, Family.ECDSA, KeyType.EC_P256, null),
    ECDSA_P384_SHA384(AuthMethod.ECDSA_SHA384_P384, HashAlgorithm.SHA2_384, Family.ECDSA, KeyType.EC_P384, null),
    ECDSA_P521_SHA512(AuthMethod.ECDSA_SHA512_P521, HashAlgorithm.SHA2_512, Family.ECDSA, KeyType.EC_P521, null),
    /** Method 14, sha256WithRSAEncryption (1.2.840.113549.1.1.11, NULL parameters; RFC 7427 A.1). */
    RSA_PKCS1_SHA256(
            AuthMethod.DIGITAL_SIGNATURE,
            HashAlgorithm.SHA2_256,
            Family.RSA_PKCS1,
            null,
            "300d06092a864886f70d01010b0500"),
    RSA_PKCS1_SHA384(
            AuthMethod.DIGITAL_SIGNATURE,
            HashAlgorithm.SHA2_384,
            Family.RSA_PKCS1,
            null,
            "300d06092a864886f70d01010c0500"),
    RSA_PKCS1_SHA512(
            AuthMethod.DIGITAL_SIGNATURE,
            HashAlgorithm.SHA2_512,
            Family.RSA_PKCS1,
            null,
            "300d06092a864886f70d01010d0500"),
    /**
     * Method 14, id-RSASSA-PSS with RSASSA-PSS-params: hash, MGF1 with the same hash, salt length = hash
     * length, trailer field 1 (the DER default, so omitted). The SHA-256 form is RFC 7427 A.4.3.
     */
    RSA_PSS_SHA256(
            AuthMethod.DIGITAL_SIGNATURE,
            HashAlgorithm.SHA2_256,
            Family.RSA_PSS,
            null,
            "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108"
                    + "300d06096086480165030402010500a203020120"),
    RSA_PSS_SHA384(
            AuthMethod.DIGITAL_SIGNATURE,
            HashAlgorithm.SHA2_384,
            Family.RSA_PSS,
            null,
            "304106092a864886f70d01010a3034a00f300d06096086480165030402020500a11c301a06092a864886f70d010108"
                    + "300d06096086480165030402020500a203020130"),
    RSA_PSS_SHA512(
            AuthMethod.DIGITAL_SIGNATURE,
            HashAlgorithm.SHA2_512,
            Family.RSA_PSS,
            null,
            "304106092a864886f70d01010a3034a00f300d06096086480165030402030500a11c301a06092a864886f70d010108"
                    + "300d06096086480165030402030500a203020140"),
    /** Method 14, ecdsa-with-SHA256 (1.2.840.10045.4.3.2, absent parameters; RFC 7427 A.3); DER ECDSA-Sig-Value. */
    ECDSA_SHA256(AuthMethod.DIGITAL_SIGNATURE, HashAlgorithm.SHA2_256, Family.ECDSA, null, "300a06082a8648ce3d040302"),
    ECDSA_SHA384(AuthMethod.DIGITAL_SIGNATURE, HashAlgorithm.SHA2_384, Family.ECDSA, null, "300a06082a8648ce3d040303"),
    ECDSA_SHA512(AuthMethod.DIGITAL_SIGNATURE, HashAlgorithm.SHA2_512, Family.ECDSA, null, "300a06082a8648ce3d040304");

    /** How the signature is computed. */
    public enum Family {
        RSA_PKCS1,
        RSA_PSS,
        ECDSA
    }

    /** RFC 7427 hashes in the order we prefer them for RSA keys. */
    private static final List<HashAlgorithm> RSA_HASH_ORDER =
            List.of(HashAlgorithm.SHA2_256, HashAlgorithm.SHA2_384, HashAlgorithm.SHA2_512);

    private final AuthMethod method;
    private final HashAlgorithm hash;
    private final Family family;
    private final KeyType curve;

    @SuppressWarnings("ImmutableEnumChecker") // never written after construction, handed out as a copy
    private final byte[] algorithmIdentifier;

    SignatureScheme(AuthMethod method, HashAlgorithm hash, Family family, KeyType curve, String algIdHex) {
        this.method = method;
        this.hash = hash;
        this.family = family;
        this.curve = curve;
        this.algorithmIdentifier = algIdHex == null ? null : HexFormat.of().parseHex(algIdHex);
    }

    public AuthMethod method() {
        return method;
    }

    public HashAlgorithm hash() {
        return hash;
    }

    public Family family() {
        return family;
    }

    /** The DER AlgorithmIdentifier of a method 14 scheme (a copy), or null for methods 1/9/10/11. */
    public byte[] algorithmIdentifier() {
        return algorithmIdentifier == null ? null : algorithmIdentifier.clone();
    }

    /** Whether a key of this type can make this scheme's signatures. */
    public boolean fits(KeyType key) {
        if (family == Family.ECDSA) {
            return curve != null ? curve == key : key.isEc();
        }
        return key == KeyType.RSA;
    }

    /** JCA Signature name whose output is this scheme's signature value (ECDSA: DER; RSASSA-PSS: set {@link #pssParameters()}). */
    public String jcaSignatureName() {
        String h = hash.jcaName().replace("-", "");
        return switch (family) {
            case RSA_PKCS1 -> h + "withRSA";
            case RSA_PSS -> h + "withRSASSA-PSS";
            case ECDSA -> h + "withECDSA";
        };
    }

    /** RSASSA-PSS parameters: MGF1 with the same hash, salt as long as the hash, trailer field 1; else null. */
    public PSSParameterSpec pssParameters() {
        if (family != Family.RSA_PSS) {
            return null;
        }
        return new PSSParameterSpec(
                hash.jcaName(),
                "MGF1",
                new MGF1ParameterSpec(hash.jcaName()),
                hash.length(),
                PSSParameterSpec.TRAILER_FIELD_BC);
    }

    /** The method 14 scheme whose AlgorithmIdentifier is exactly {@code der}; nothing else matches. */
    public static Optional<SignatureScheme> byAlgorithmIdentifier(byte[] der) {
        for (SignatureScheme s : values()) {
            if (s.algorithmIdentifier != null && MessageDigest.isEqual(s.algorithmIdentifier, der)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The scheme a legacy (non-14) method implies for a key, if the key fits it. */
    public static Optional<SignatureScheme> forLegacyMethod(AuthMethod method, KeyType key) {
        for (SignatureScheme s : values()) {
            if (s.method == method && method != AuthMethod.DIGITAL_SIGNATURE && s.fits(key)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Picks how to sign with {@code key} for a peer that announced {@code peerHashes} in SIGNATURE_HASH_ALGORITHMS
     * (empty if it sent none). Method 14 when a hash is shared: ECDSA prefers its curve's own hash, RSA prefers
     * SHA2-256, then 384, 512, with PSS if {@code preferRsaPss}. Otherwise the legacy method: 9/10/11 by curve, 1 for RSA.
     */
    public static SignatureScheme select(KeyType key, Set<HashAlgorithm> peerHashes, boolean preferRsaPss) {
        if (key.isEc()) {
            SignatureScheme legacy = forLegacyMethod(legacyEcMethod(key), key).orElseThrow();
            if (peerHashes.contains(legacy.hash)) {
                return ecdsa14(legacy.hash);
            }
            for (HashAlgorithm h : RSA_HASH_ORDER) {
                if (peerHashes.contains(h)) {
                    return ecdsa14(h);
                }
            }
            return legacy;
        }
        for (HashAlgorithm h : RSA_HASH_ORDER) {
            if (peerHashes.contains(h)) {
                for (SignatureScheme s : values()) {
                    if (s.method == AuthMethod.DIGITAL_SIGNATURE
                            && s.hash == h
                            && s.family == (preferRsaPss ? Family.RSA_PSS : Family.RSA_PKCS1)) {
                        return s;
                    }
                }
            }
        }
        return RSA_PKCS1_SHA1;
    }

    private static AuthMethod legacyEcMethod(KeyType key) {
        return switch (key) {
            case EC_P256 -> AuthMethod.ECDSA_SHA256_P256;
            case EC_P384 -> AuthMethod.ECDSA_SHA384_P384;
            case EC_P521 -> AuthMethod.ECDSA_SHA512_P521;
            case RSA -> throw new IllegalArgumentException("RSA has no ECDSA method");
        };
    }

    private static SignatureScheme ecdsa14(HashAlgorithm h) {
        return switch (h) {
            case SHA2_256 -> ECDSA_SHA256;
            case SHA2_384 -> ECDSA_SHA384;
            case SHA2_512 -> ECDSA_SHA512;
            case SHA1 -> throw new IllegalArgumentException("ECDSA with SHA-1 is not offered");
        };
    }
}
