package io.ikeseal.agent.wire;

import java.util.Arrays;

/**
 * A bounds-checked cursor over one region of a received datagram. Every read past the region throws
 * {@link MalformedMessageException} (never an unchecked exception), so a lying length field cannot reach beyond
 * the structure it belongs to.
 */
public final class WireReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public WireReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IndexOutOfBoundsException("region " + offset + "+" + length + " of " + buf.length);
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    public int remaining() {
        return end - pos;
    }

    /** Offset of the next octet in the underlying array. */
    public int position() {
        return pos;
    }

    public byte[] array() {
        return buf;
    }

    public int u8() throws MalformedMessageException {
        need(1);
        return buf[pos++] & 0xff;
    }

    public int u16() throws MalformedMessageException {
        need(2);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    public long u32() throws MalformedMessageException {
        need(4);
        long v = ((long) (buf[pos] & 0xff) << 24)
                | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    public long u64() throws MalformedMessageException {
        long hi = u32();
        return hi << 32 | u32();
    }

    public byte[] bytes(int n) throws MalformedMessageException {
        need(n);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public byte[] rest() throws MalformedMessageException {
        return bytes(remaining());
    }

    public void skip(int n) throws MalformedMessageException {
        need(n);
        pos += n;
    }

    /** A reader over the next {@code n} octets; this reader moves past them. */
    public WireReader slice(int n) throws MalformedMessageException {
        need(n);
        WireReader r = new WireReader(buf, pos, n);
        pos += n;
        return r;
    }

    /** Fails unless every octet of the region was consumed. */
    public void expectEnd(String what) throws MalformedMessageException {
        if (pos != end) {
            throw MalformedMessageException.syntax(what + ": " + (end - pos) + " unexpected trailing octets");
        }
    }

    private void need(int n) throws MalformedMessageException {
        if (n < 0 || end - pos < n) {
            throw new MalformedMessageException(
                    MalformedReason.TRUNCATED, "needed " + n + " octets, " + (end - pos) + " left");
        }
    }
}
