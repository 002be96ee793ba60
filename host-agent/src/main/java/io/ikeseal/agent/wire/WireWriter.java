package io.ikeseal.agent.wire;

/**
 * Writes into an array sized in advance from the payloads' lengths, so encoding allocates once. Writing past the
 * end is a bug in a length computation and throws {@link IndexOutOfBoundsException}.
 */
public final class WireWriter {
    private final byte[] buf;
    private int pos;

    public WireWriter(int length) {
        this.buf = new byte[length];
    }

    public WireWriter(byte[] buf, int offset) {
        this.buf = buf;
        this.pos = offset;
    }

    public WireWriter u8(int v) {
        buf[pos++] = (byte) v;
        return this;
    }

    public WireWriter u16(int v) {
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public WireWriter u32(long v) {
        u16((int) (v >>> 16));
        return u16((int) v);
    }

    public WireWriter u64(long v) {
        u32(v >>> 32);
        return u32(v);
    }

    public WireWriter bytes(byte[] b) {
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    public int position() {
        return pos;
    }

    /** The array; complete once {@link #position()} equals its length. */
    public byte[] array() {
        if (pos != buf.length) {
            throw new IllegalStateException("encoded " + pos + " of " + buf.length + " octets");
        }
        return buf;
    }
}
