package io.ikeseal.agent.protect;

/**
 * The integrity transforms (RFC 7296 §3.3.2, Transform Type 3) used with AES-CBC: HMAC-SHA2 truncated to half the
 * hash (RFC 4868 §2.3), keyed with SK_a of the hash's length (RFC 4868 §2.1.2). {@link #NONE} goes with AEAD.
 */
public enum IntegrityAlgorithm {
    NONE(0, null, 0, 0),
    AUTH_HMAC_SHA2_256_128(12, "HmacSHA256", 32, 16),
    AUTH_HMAC_SHA2_384_192(13, "HmacSHA384", 48, 24),
    AUTH_HMAC_SHA2_512_256(14, "HmacSHA512", 64, 32);

    private final int id;
    private final String jcaName;
    private final int keyLength;
    private final int icvLength;

    IntegrityAlgorithm(int id, String jcaName, int keyLength, int icvLength) {
        this.id = id;
        this.jcaName = jcaName;
        this.keyLength = keyLength;
        this.icvLength = icvLength;
    }

    /** The Transform ID; 0 stands for "no integrity transform" (NONE). */
    public int id() {
        return id;
    }

    String jcaName() {
        return jcaName;
    }

    /** SK_a's length in octets. */
    public int keyLength() {
        return keyLength;
    }

    /** The truncated MAC's length in octets. */
    public int icvLength() {
        return icvLength;
    }

    /** The algorithm with Transform ID {@code id} (0 for none), or null when this daemon does not support it. */
    public static IntegrityAlgorithm of(int id) {
        for (IntegrityAlgorithm a : values()) {
            if (a.id == id) {
                return a;
            }
        }
        return null;
    }
}
