package io.ikeseal.hsm.api;

import java.util.Optional;

/**
 * IKEv2 pseudo-random functions (transform type 2, RFC 7296 §3.3.2 / RFC 4868) that the token runs as HKDF.
 * For HMAC, prf(K, S) = HKDF-Extract(salt = K, IKM = S) and prf+ = HKDF-Expand (docs/key-schedule.md).
 */
public enum Prf {
    HMAC_SHA2_256(5, "prfsha256", "HKDF-SHA256", "HmacSHA256", "SHA-256", 32, 64),
    HMAC_SHA2_384(6, "prfsha384", "HKDF-SHA384", "HmacSHA384", "SHA-384", 48, 128),
    HMAC_SHA2_512(7, "prfsha512", "HKDF-SHA512", "HmacSHA512", "SHA-512", 64, 128);

    private final int id;
    private final String proposalName;
    private final String kdfAlgorithm;
    private final String macAlgorithm;
    private final String digestAlgorithm;
    private final int outputLength;
    private final int blockLength;

    Prf(
            int id,
            String proposalName,
            String kdfAlgorithm,
            String macAlgorithm,
            String digestAlgorithm,
            int outputLength,
            int blockLength) {
        this.id = id;
        this.proposalName = proposalName;
        this.kdfAlgorithm = kdfAlgorithm;
        this.macAlgorithm = macAlgorithm;
        this.digestAlgorithm = digestAlgorithm;
        this.outputLength = outputLength;
        this.blockLength = blockLength;
    }

    public int id() {
        return id;
    }

    public String proposalName() {
        return proposalName;
    }

    /** javax.crypto.KDF algorithm name. */
    public String kdfAlgorithm() {
        return kdfAlgorithm;
    }

    /** javax.crypto.Mac algorithm name (software reference and compat tier). */
    public String macAlgorithm() {
        return macAlgorithm;
    }

    public String digestAlgorithm() {
        return digestAlgorithm;
    }

    /** Output length in bytes; also the length of SK_d, SK_pi and SK_pr (RFC 7296 §2.14). */
    public int outputLength() {
        return outputLength;
    }

    /** The hash block length: HMAC keys up to this length are zero-padded, longer ones hashed (RFC 2104). */
    public int blockLength() {
        return blockLength;
    }

    public static Optional<Prf> byId(int id) {
        for (Prf p : values()) {
            if (p.id == id) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static Optional<Prf> byProposalName(String name) {
        for (Prf p : values()) {
            if (p.proposalName.equalsIgnoreCase(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
