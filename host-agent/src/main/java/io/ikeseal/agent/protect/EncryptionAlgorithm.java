package io.ikeseal.agent.protect;

import java.util.Set;

/**
 * The encryption transforms (RFC 7296 §3.3.2, Transform Type 1) this daemon protects IKE messages with. AEAD ones
 * carry an implicit 4-octet salt at the end of SK_e and an explicit 8-octet IV (RFC 5282 §3, §7.1; RFC 7634 §3);
 * AES-CBC has a 16-octet random IV and needs an integrity transform (RFC 3602, RFC 7296 §3.14).
 */
public enum EncryptionAlgorithm {
    ENCR_AES_CBC(12, false, 16, 0, 16, Set.of(128, 192, 256)),
    ENCR_AES_GCM_8(18, true, 8, 8, 1, Set.of(128, 192, 256)),
    ENCR_AES_GCM_12(19, true, 8, 12, 1, Set.of(128, 192, 256)),
    ENCR_AES_GCM_16(20, true, 8, 16, 1, Set.of(128, 192, 256)),
    /** RFC 7634 §3: one key size; proposals carry no Key Length attribute, so 0 (absent) is accepted too. */
    ENCR_CHACHA20_POLY1305(28, true, 8, 16, 1, Set.of(256));

    /** RFC 5282 §7.1, RFC 7634 §3: the last 4 octets of SK_e are the nonce's salt. */
    public static final int SALT_LENGTH = 4;

    private final int id;
    private final boolean aead;
    private final int ivLength;
    private final int icvLength;
    private final int blockSize;

    @SuppressWarnings("ImmutableEnumChecker") // an unmodifiable copy (Set.copyOf)
    private final Set<Integer> keyLengths;

    EncryptionAlgorithm(int id, boolean aead, int ivLength, int icvLength, int blockSize, Set<Integer> keyLengths) {
        this.id = id;
        this.aead = aead;
        this.ivLength = ivLength;
        this.icvLength = icvLength;
        this.blockSize = blockSize;
        this.keyLengths = Set.copyOf(keyLengths);
    }

    /** The Transform ID (IANA "Transform Type 1 - Encryption Algorithm Transform IDs"). */
    public int id() {
        return id;
    }

    /** Combined mode: the cipher's tag is the ICV and no integrity transform may be negotiated (RFC 5282 §8). */
    public boolean isAead() {
        return aead;
    }

    public int ivLength() {
        return ivLength;
    }

    /** The AEAD tag length; 0 for AES-CBC, whose ICV comes from the integrity transform. */
    public int icvLength() {
        return icvLength;
    }

    /**
     * What Padding aligns the plaintext to (§3.14). AES-CBC's block; 1 for the AEAD modes, which are stream modes
     * (senders such as strongSwan pad them with nothing, and RFC 7634's example has Pad Length 0).
     */
    public int blockSize() {
        return blockSize;
    }

    /** Key lengths in bits this transform may be negotiated with (§3.3.5 Key Length attribute). */
    public Set<Integer> keyLengths() {
        return keyLengths;
    }

    /** SK_e's length in octets for a key of {@code keyLengthBits}: the key, plus the salt for AEAD. */
    public int encryptionKeyLength(int keyLengthBits) {
        return keyLengthBits / 8 + (aead ? SALT_LENGTH : 0);
    }

    /** The algorithm with Transform ID {@code id}, or null when this daemon does not support it. */
    public static EncryptionAlgorithm of(int id) {
        for (EncryptionAlgorithm a : values()) {
            if (a.id == id) {
                return a;
            }
        }
        return null;
    }
}
