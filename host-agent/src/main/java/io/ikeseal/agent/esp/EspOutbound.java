package io.ikeseal.agent.esp;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * The outbound half of a CHILD_SA: frames inner packets (RFC 4303 §2), numbers them from 1 without ever cycling
 * (§3.3.3; 2^32 - 1 packets, or 2^64 - 1 with ESN where only the low half is sent, RFC 4304 §2) and hands the
 * cipher work to its {@link EspTransform}.
 *
 * <p>Inner packets are copied into a plaintext array the half owns, and the packet is built in a second one and
 * copied out: with direct buffers the JDK's Cipher and Mac make temporary arrays on every call (JDK 25 AES-GCM:
 * about 2.9 KB per 1400-octet packet between direct buffers, 1.0 KB between arrays, measured with
 * ThreadMXBean), while two copies of a packet cost little next to its encryption. The 1.0 KB left is the JDK's
 * own per-init GCM state, which its API gives no way to reuse. Both arrays grow to the largest packet seen and
 * are reused.
 */
final class EspOutbound extends EspHalf implements EspSealer {

    /** The last sequence number this SA may send (unsigned). */
    private final long lastSeq;

    private byte[] pt = new byte[INITIAL];
    private byte[] packet;
    private long seq;

    EspOutbound(EspTransform transform, int spi) {
        super(transform, spi);
        this.lastSeq = transform.esn ? -1L : 0xFFFFFFFFL;
        this.packet = new byte[INITIAL + transform.maxOverhead()];
    }

    @Override
    public boolean seal(ByteBuffer inner, int nextHeader, ByteBuffer out) {
        checkUsable();
        if (nextHeader < 0 || nextHeader > 255) {
            throw new IllegalArgumentException("Next Header is one octet: " + nextHeader);
        }
        if (seq == lastSeq) {
            return false;
        }
        int length = inner.remaining();
        int align = transform.alignment;
        int padded = (length + 2 + align - 1) / align * align;
        int padLength = padded - length - 2;
        int total = EspTransform.HEADER + transform.ivLength + padded + transform.icvLength;
        if (out.remaining() < total) {
            throw new BufferOverflowException();
        }
        if (pt.length < padded) {
            pt = new byte[padded];
            packet = new byte[padded + transform.maxOverhead()];
        }
        inner.get(pt, 0, length);
        for (int i = 0; i < padLength; i++) {
            pt[length + i] = (byte) (i + 1); // RFC 4303 §2.4: 1, 2, 3, ...
        }
        pt[padded - 2] = (byte) padLength;
        pt[padded - 1] = (byte) nextHeader;
        long s = ++seq;
        EspTransform.putInt(packet, 0, spi());
        EspTransform.putInt(packet, 4, (int) s);
        int n = transform.seal(packet, s, pt, padded);
        out.put(packet, 0, n);
        count(length);
        return true;
    }

    /** Tests only: continue numbering after {@code last}, to reach the end of the sequence space. */
    void skipTo(long last) {
        seq = last;
    }

    @Override
    public int maxOverhead() {
        return transform.maxOverhead();
    }

    @Override
    public String toString() {
        return "EspSealer[spi=" + Integer.toHexString(spi()) + ", packets=" + packets() + "]";
    }
}
