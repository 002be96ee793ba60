package io.ikeseal.agent.esp;

/**
 * The cipher part of one ESP half (RFC 4303 §2, §3.3.2, §3.4.4), on arrays the half owns: it writes and checks
 * the IV, the ciphertext and the ICV behind the 8-octet header (SPI, low sequence number) that the half writes.
 * The sequence number's high half (ESN, RFC 4304) goes into the AAD or the ICV input here.
 */
abstract class EspTransform {
    /** SPI and Sequence Number (RFC 4303 §2.1, §2.2). */
    static final int HEADER = 8;

    final int ivLength;
    final int icvLength;
    /** What the plaintext with its trailer is aligned to: 4 octets (RFC 4303 §2.4) or the cipher's block. */
    final int alignment;
    /** Whether the ciphertext must be whole blocks of {@link #alignment} (CBC). */
    final boolean blockCipher;

    final boolean esn;

    EspTransform(int ivLength, int icvLength, int alignment, boolean blockCipher, boolean esn) {
        this.ivLength = ivLength;
        this.icvLength = icvLength;
        this.alignment = alignment;
        this.blockCipher = blockCipher;
        this.esn = esn;
    }

    /**
     * Writes IV, ciphertext of {@code pt[0, length)} and ICV into {@code packet} after its header.
     *
     * @return the ESP packet's length
     */
    abstract int seal(byte[] packet, long seq, byte[] pt, int length);

    /**
     * Verifies the ICV of {@code packet[0, length)} and only then decrypts into {@code pt}.
     *
     * @param seq the full sequence number (its high half is the ESN's, RFC 4303 §3.4.4)
     * @return the plaintext's length (padding and trailer included), or -1 when the ICV did not verify
     */
    abstract int open(byte[] packet, int length, long seq, byte[] pt);

    /** Zeroes the key octets. */
    abstract void destroy();

    /** The fewest octets an ESP packet of this transform has: header, IV, a minimal payload and the ICV. */
    final int minLength() {
        return HEADER + ivLength + (blockCipher ? alignment : 2) + icvLength;
    }

    /** The most octets ESP adds to an inner packet (RFC 4303 §2.4: at most alignment - 1 padding octets). */
    final int maxOverhead() {
        return HEADER + ivLength + alignment - 1 + 2 + icvLength;
    }

    static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }

    static int getInt(byte[] b, int offset) {
        return (b[offset] & 0xff) << 24
                | (b[offset + 1] & 0xff) << 16
                | (b[offset + 2] & 0xff) << 8
                | (b[offset + 3] & 0xff);
    }
}
