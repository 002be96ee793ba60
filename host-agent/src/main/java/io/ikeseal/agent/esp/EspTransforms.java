package io.ikeseal.agent.esp;

import java.util.Arrays;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.HostKey;

/**
 * Makes the ESP halves of a CHILD_SA for its negotiated suite: AES-GCM with 8-, 12- or 16-octet ICV (RFC 4106),
 * ChaCha20-Poly1305 (RFC 7634), AES-CBC with HMAC-SHA2 (RFC 3602, RFC 4868), each with or without ESN (RFC 4304).
 * The key octets are copied; the HostKeys stay the caller's to destroy.
 */
public final class EspTransforms {
    private EspTransforms() {}

    /**
     * The outbound half, under the peer's SPI.
     *
     * @param encryption the encryption key of this direction, salt included for AEAD (RFC 4106 §8.1)
     * @param integrity  the integrity key (0 octets for AEAD)
     */
    public static EspSealer sealer(ChildSuite suite, HostKey encryption, HostKey integrity, int spi) {
        return new EspOutbound(transform(suite, encryption, integrity), spi);
    }

    /**
     * The inbound half, under our SPI.
     *
     * @param replayWindow anti-replay window in packets (a multiple of 32), 0 for none
     */
    public static EspOpener opener(ChildSuite suite, HostKey encryption, HostKey integrity, int spi, int replayWindow) {
        ReplayWindow window = new ReplayWindow(replayWindow, suite.esn());
        return new EspInbound(transform(suite, encryption, integrity), spi, window);
    }

    static EspTransform transform(ChildSuite suite, HostKey encryption, HostKey integrity) {
        ProtectionSuite p = suite.protection();
        if (encryption.length() != p.encryptionKeyLength()) {
            throw new IllegalArgumentException(suite + " needs a " + p.encryptionKeyLength()
                    + "-octet encryption key, got " + encryption.length());
        }
        int integrityLength = integrity == null ? 0 : integrity.length();
        if (integrityLength != p.integrityKeyLength()) {
            throw new IllegalArgumentException(
                    suite + " needs a " + p.integrityKeyLength() + "-octet integrity key, got " + integrityLength);
        }
        boolean esn = suite.esn();
        byte[] e = encryption.bytes();
        byte[] a = integrityLength == 0 ? new byte[0] : integrity.bytes();
        try {
            return switch (p.encryption()) {
                case ENCR_AES_GCM_8 -> new BcGcm8(e, esn);
                case ENCR_AES_GCM_12, ENCR_AES_GCM_16 -> JdkAead.gcm(e, p.icvLength(), esn);
                case ENCR_CHACHA20_POLY1305 -> JdkAead.chaCha20Poly1305(e, esn);
                case ENCR_AES_CBC -> new CbcHmac(e, a, hmac(suite), p.icvLength(), esn);
            };
        } finally {
            Arrays.fill(e, (byte) 0);
            Arrays.fill(a, (byte) 0);
        }
    }

    private static String hmac(ChildSuite suite) {
        return switch (suite.protection().integrity()) {
            case AUTH_HMAC_SHA2_256_128 -> "HmacSHA256";
            case AUTH_HMAC_SHA2_384_192 -> "HmacSHA384";
            case AUTH_HMAC_SHA2_512_256 -> "HmacSHA512";
            case NONE -> throw new IllegalArgumentException(suite + ": AES-CBC needs an integrity transform");
        };
    }
}
