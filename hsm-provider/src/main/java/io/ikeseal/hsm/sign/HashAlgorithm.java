package io.ikeseal.hsm.sign;

import java.util.HexFormat;
import java.util.Optional;

/**
 * Hash algorithms of the SIGNATURE_HASH_ALGORITHMS notify (RFC 7427 §4, IANA "IKEv2 Hash Algorithms"), with the
 * DER DigestInfo prefix that EMSA-PKCS1-v1_5 puts in front of the hash (RFC 8017 §9.2, note 1).
 */
public enum HashAlgorithm {
    SHA1(1, "SHA-1", 20, "3021300906052b0e03021a05000414"),
    SHA2_256(2, "SHA-256", 32, "3031300d060960864801650304020105000420"),
    SHA2_384(3, "SHA-384", 48, "3041300d060960864801650304020205000430"),
    SHA2_512(4, "SHA-512", 64, "3051300d060960864801650304020305000440");

    private final int number;
    private final String jcaName;
    private final int length;

    @SuppressWarnings("ImmutableEnumChecker") // never written after construction, handed out as a copy
    private final byte[] digestInfoPrefix;

    HashAlgorithm(int number, String jcaName, int length, String digestInfoPrefixHex) {
        this.number = number;
        this.jcaName = jcaName;
        this.length = length;
        this.digestInfoPrefix = HexFormat.of().parseHex(digestInfoPrefixHex);
    }

    /** The number sent in SIGNATURE_HASH_ALGORITHMS. */
    public int number() {
        return number;
    }

    /** JCA MessageDigest name, also the PSSParameterSpec / MGF1ParameterSpec digest name. */
    public String jcaName() {
        return jcaName;
    }

    /** Output length in octets (the RSASSA-PSS salt length IKEv2 uses, RFC 7427 §3 / Appendix A). */
    public int length() {
        return length;
    }

    /** DER of DigestInfo up to (excluding) the hash value. */
    public byte[] digestInfoPrefix() {
        return digestInfoPrefix.clone();
    }

    /** Unknown numbers are ignored by the caller (RFC 7427 §4: a peer may announce hashes we lack). */
    public static Optional<HashAlgorithm> of(int number) {
        for (HashAlgorithm h : values()) {
            if (h.number == number) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }
}
