package io.ikeseal.agent.esp;

import java.nio.ByteBuffer;

/**
 * The inbound half of a CHILD_SA (RFC 4303 §3.4): length and SPI, then the replay check on the sequence number
 * (with ESN its high half inferred, Appendix A2), then the ICV, then padding and Next Header, and only then the
 * window moves (§3.4.3). Each failure is an {@link EspDrop}; no input makes it throw.
 *
 * <p>Tunnel mode: the Next Header must be 4 (IPv4) or 41 (IPv6) (RFC 4303 §2.6); 59, a dummy packet, is dropped
 * like any other. The packet is copied into an array the half owns and decrypted into another, as
 * {@link EspOutbound} explains.
 */
final class EspInbound extends EspHalf implements EspOpener {
    private static final int IPV4 = 4;
    private static final int IPV6 = 41;

    private final ReplayWindow window;

    private byte[] packet = new byte[INITIAL];
    private byte[] pt = new byte[INITIAL];

    EspInbound(EspTransform transform, int spi, ReplayWindow window) {
        super(transform, spi);
        this.window = window;
    }

    @Override
    public int open(ByteBuffer esp, ByteBuffer plain) {
        checkUsable();
        int start = esp.position();
        int length = esp.remaining();
        if (length < transform.minLength()) {
            return EspDrop.TRUNCATED.code();
        }
        int ciphertext = length - EspTransform.HEADER - transform.ivLength - transform.icvLength;
        if (transform.blockCipher && ciphertext % transform.alignment != 0) {
            return EspDrop.TRUNCATED.code();
        }
        if (esp.getInt(start) != spi()) {
            return EspDrop.UNKNOWN_SPI.code();
        }
        long seq = window.extend(esp.getInt(start + 4));
        if (!window.isFresh(seq)) {
            return EspDrop.REPLAY.code();
        }
        if (packet.length < length) {
            packet = new byte[length];
            pt = new byte[length];
        }
        esp.get(start, packet, 0, length);
        int ptLength = transform.open(packet, length, seq, pt);
        if (ptLength < 0) {
            return EspDrop.BAD_ICV.code();
        }
        int padLength = pt[ptLength - 2] & 0xff;
        int nextHeader = pt[ptLength - 1] & 0xff;
        int innerLength = ptLength - 2 - padLength;
        if (innerLength < 0) {
            return EspDrop.BAD_PADDING.code();
        }
        for (int i = 0; i < padLength; i++) {
            if (pt[innerLength + i] != (byte) (i + 1)) {
                return EspDrop.BAD_PADDING.code();
            }
        }
        if (nextHeader != IPV4 && nextHeader != IPV6) {
            return EspDrop.BAD_NEXT_HEADER.code();
        }
        if (plain.remaining() < innerLength) {
            return EspDrop.TOO_BIG.code();
        }
        window.accept(seq);
        int at = plain.position();
        plain.put(at, pt, 0, innerLength);
        plain.limit(at + innerLength);
        esp.position(esp.limit());
        count(innerLength);
        return nextHeader;
    }

    /** The anti-replay window, for tests. */
    ReplayWindow window() {
        return window;
    }

    @Override
    public String toString() {
        return "EspOpener[spi=" + Integer.toHexString(spi()) + ", packets=" + packets() + "]";
    }
}
