package io.ikeseal.agent.wireshark;

import java.util.Optional;

import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;

/**
 * The algorithm names Wireshark's user tables accept (its value strings, as Wireshark 4.0 of Debian 12 loads them;
 * a name it does not know fails the whole table). Empty where Wireshark cannot decrypt the suite: ChaCha20-Poly1305
 * is in neither table.
 */
final class WiresharkNames {
    private WiresharkNames() {}

    /** {@code ikev2_decryption_table}'s encryption column. */
    static Optional<String> ikeEncryption(ProtectionSuite s) {
        int bits = s.keyLengthBits();
        return switch (s.encryption()) {
            case ENCR_AES_CBC -> Optional.of("AES-CBC-" + bits + " [RFC3602]");
            case ENCR_AES_GCM_8, ENCR_AES_GCM_12, ENCR_AES_GCM_16 ->
                Optional.of("AES-GCM-" + bits + " with " + s.icvLength() + " octet ICV [RFC5282]");
            case ENCR_CHACHA20_POLY1305 -> Optional.empty();
        };
    }

    /** {@code ikev2_decryption_table}'s integrity column: NONE with an AEAD cipher (RFC 5282 §8). */
    static String ikeIntegrity(IntegrityAlgorithm i) {
        return switch (i) {
            case NONE -> "NONE [RFC4306]";
            case AUTH_HMAC_SHA2_256_128 -> "HMAC_SHA2_256_128 [RFC4868]";
            case AUTH_HMAC_SHA2_384_192 -> "HMAC_SHA2_384_192 [RFC4868]";
            case AUTH_HMAC_SHA2_512_256 -> "HMAC_SHA2_512_256 [RFC4868]";
        };
    }

    /** {@code esp_sa}'s encryption column; the key length follows from the key (salt included for GCM, RFC 4106). */
    static Optional<String> espEncryption(EncryptionAlgorithm e) {
        return switch (e) {
            case ENCR_AES_CBC -> Optional.of("AES-CBC [RFC3602]");
            case ENCR_AES_GCM_8, ENCR_AES_GCM_12, ENCR_AES_GCM_16 ->
                Optional.of("AES-GCM with " + e.icvLength() + " octet ICV [RFC4106]");
            case ENCR_CHACHA20_POLY1305 -> Optional.empty();
        };
    }

    /** {@code esp_sa}'s authentication column: NULL with AES-GCM, which Wireshark requires. */
    static String espAuthentication(IntegrityAlgorithm i) {
        return switch (i) {
            case NONE -> "NULL";
            case AUTH_HMAC_SHA2_256_128 -> "HMAC-SHA-256-128 [RFC4868]";
            case AUTH_HMAC_SHA2_384_192 -> "HMAC-SHA-384-192 [RFC4868]";
            case AUTH_HMAC_SHA2_512_256 -> "HMAC-SHA-512-256 [RFC4868]";
        };
    }
}
