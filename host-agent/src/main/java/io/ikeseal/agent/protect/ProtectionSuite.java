package io.ikeseal.agent.protect;

import io.ikeseal.hsm.api.HostKey;

/**
 * The negotiated ENCR and INTEG transforms of an IKE SA, which decide how SK and SKF payloads are sealed (RFC 7296
 * §3.14). Ask it for SK_e's and SK_a's lengths ({@link #encryptionKeyLength()}, {@link #integrityKeyLength()}) when
 * running the key schedule, then for one {@link SkCipher} per direction.
 *
 * @param encryption    ENCR transform
 * @param keyLengthBits its Key Length attribute (§3.3.5); ChaCha20-Poly1305 has one key size and is given as 256
 * @param integrity     INTEG transform; {@link IntegrityAlgorithm#NONE} exactly when {@code encryption} is AEAD
 */
public record ProtectionSuite(EncryptionAlgorithm encryption, int keyLengthBits, IntegrityAlgorithm integrity) {

    public ProtectionSuite {
        if (encryption == null || integrity == null) {
            throw new IllegalArgumentException("a suite needs encryption and integrity (NONE for AEAD)");
        }
        if (!encryption.keyLengths().contains(keyLengthBits)) {
            throw new IllegalArgumentException(encryption + " has no " + keyLengthBits + "-bit key");
        }
        // RFC 5282 §8: with a combined mode cipher the integrity transform is omitted (or NONE); CBC needs one.
        if (encryption.isAead() != (integrity == IntegrityAlgorithm.NONE)) {
            throw new IllegalArgumentException(encryption + " with " + integrity);
        }
    }

    /**
     * The suite for negotiated Transform IDs, e.g. {@code of(20, 256, 0)} for AES-GCM-16-256 or
     * {@code of(12, 128, 12)} for AES-CBC-128 with HMAC-SHA2-256-128.
     *
     * @param keyLengthBits the Key Length attribute; 0 when absent (allowed for ChaCha20-Poly1305 only)
     * @param integrityId   the INTEG Transform ID, 0 when none was negotiated
     * @throws IllegalArgumentException for transforms or key lengths this daemon does not support
     */
    public static ProtectionSuite of(int encryptionId, int keyLengthBits, int integrityId) {
        EncryptionAlgorithm e = EncryptionAlgorithm.of(encryptionId);
        IntegrityAlgorithm i = IntegrityAlgorithm.of(integrityId);
        if (e == null || i == null) {
            throw new IllegalArgumentException("unsupported ENCR " + encryptionId + " / INTEG " + integrityId);
        }
        int bits = keyLengthBits == 0 && e == EncryptionAlgorithm.ENCR_CHACHA20_POLY1305 ? 256 : keyLengthBits;
        return new ProtectionSuite(e, bits, i);
    }

    /** Whether {@link #of} accepts these Transform IDs and key length: for proposal selection. */
    public static boolean isSupported(int encryptionId, int keyLengthBits, int integrityId) {
        try {
            of(encryptionId, keyLengthBits, integrityId);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** SK_ei/SK_er length in octets, salt included (e.g. 36 for AES-256-GCM). */
    public int encryptionKeyLength() {
        return encryption.encryptionKeyLength(keyLengthBits);
    }

    /** SK_ai/SK_ar length in octets; 0 for AEAD. */
    public int integrityKeyLength() {
        return integrity.keyLength();
    }

    public int ivLength() {
        return encryption.ivLength();
    }

    /** The ICV's length: the AEAD tag, or the truncated HMAC. */
    public int icvLength() {
        return encryption.isAead() ? encryption.icvLength() : integrity.icvLength();
    }

    public int blockSize() {
        return encryption.blockSize();
    }

    /**
     * A cipher for one direction. The key bytes are copied into the JCA key objects; the HostKeys stay the caller's
     * to destroy.
     *
     * @param skE SK_ei or SK_er, {@link #encryptionKeyLength()} octets
     * @param skA SK_ai or SK_ar, {@link #integrityKeyLength()} octets (a 0-octet key for AEAD, or null)
     */
    public SkCipher newCipher(HostKey skE, HostKey skA) {
        return newCipher(skE, skA, encryption.isAead() ? OctetSource.counter() : OctetSource.random());
    }

    /** With the IVs (and CBC padding) taken from {@code octets}: tests replay captured messages through this. */
    SkCipher newCipher(HostKey skE, HostKey skA, OctetSource octets) {
        if (skE.length() != encryptionKeyLength()) {
            throw new IllegalArgumentException(
                    this + " needs a " + encryptionKeyLength() + "-octet SK_e, got " + skE.length());
        }
        int aLength = skA == null ? 0 : skA.length();
        if (aLength != integrityKeyLength()) {
            throw new IllegalArgumentException(
                    this + " needs a " + integrityKeyLength() + "-octet SK_a, got " + aLength);
        }
        return encryption.isAead()
                ? AeadCipher.create(this, skE, octets)
                : CbcHmacCipher.create(this, skE, skA, octets);
    }

    @Override
    public String toString() {
        return encryption + "-" + keyLengthBits + (integrity == IntegrityAlgorithm.NONE ? "" : " " + integrity);
    }
}
