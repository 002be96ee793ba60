package io.ikeseal.agent.esp;

import java.util.Arrays;

/**
 * ESP with a combined mode cipher: AES-GCM (RFC 4106) or ChaCha20-Poly1305 (RFC 7634). The 8-octet IV is the
 * 64-bit sequence number, unique per key as both RFCs require (RFC 4106 §3.1, RFC 7634 §2); the nonce is the
 * 4-octet salt from the end of the key material followed by that IV (RFC 4106 §4, RFC 7634 §2); the AAD is SPI and
 * sequence number, with ESN SPI | high half | low half (RFC 4106 §5, RFC 7634 §2.1). Padding aligns the trailer to
 * 4 octets (RFC 4303 §2.4).
 */
abstract class EspAead extends EspTransform {
    static final int IV_LENGTH = 8;
    static final int SALT_LENGTH = 4;

    /** Salt | IV, rewritten per packet. */
    final byte[] nonce = new byte[SALT_LENGTH + IV_LENGTH];
    /** SPI | seq-hi | seq-lo with ESN; without ESN the packet's own first 8 octets are the AAD. */
    private final byte[] esnAad = new byte[12];

    EspAead(byte[] salt, int icvLength, boolean esn) {
        super(IV_LENGTH, icvLength, 4, false, esn);
        System.arraycopy(salt, 0, nonce, 0, SALT_LENGTH);
    }

    @Override
    final int seal(byte[] packet, long seq, byte[] pt, int length) {
        for (int i = 0; i < IV_LENGTH; i++) {
            packet[HEADER + i] = (byte) (seq >>> (56 - 8 * i));
        }
        return HEADER + IV_LENGTH + seal(packet, aad(packet, seq), pt, length, HEADER + IV_LENGTH);
    }

    @Override
    final int open(byte[] packet, int length, long seq, byte[] pt) {
        return open(packet, aad(packet, seq), HEADER + IV_LENGTH, length - HEADER - IV_LENGTH, pt);
    }

    /** Fills the nonce from the packet's IV and returns the AAD's array: packet itself, or the ESN AAD. */
    private byte[] aad(byte[] packet, long seq) {
        System.arraycopy(packet, HEADER, nonce, SALT_LENGTH, IV_LENGTH);
        if (!esn) {
            return packet;
        }
        System.arraycopy(packet, 0, esnAad, 0, 4);
        putInt(esnAad, 4, (int) (seq >>> 32));
        System.arraycopy(packet, 4, esnAad, 8, 4);
        return esnAad;
    }

    /** The AAD's length in {@code aad} from offset 0. */
    final int aadLength() {
        return esn ? 12 : HEADER;
    }

    /** Encrypts {@code pt[0, length)} under {@link #nonce}, writing ciphertext and tag at {@code offset}. */
    abstract int seal(byte[] packet, byte[] aad, byte[] pt, int length, int offset);

    /** Verifies and decrypts {@code packet[offset, offset + length)} (ciphertext and tag); -1 on a bad tag. */
    abstract int open(byte[] packet, byte[] aad, int offset, int length, byte[] pt);

    @Override
    void destroy() {
        Arrays.fill(nonce, (byte) 0);
        Arrays.fill(esnAad, (byte) 0);
    }
}
