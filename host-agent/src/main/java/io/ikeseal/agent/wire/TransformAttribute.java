package io.ikeseal.agent.wire;

/**
 * A transform attribute (RFC 7296 §3.3.5): TV format (AF = 1, a two-octet value) or TLV. Key Length (type 14) is
 * the only one RFC 7296 defines, and it is TV only.
 *
 * @param tvValue  the value of a TV attribute
 * @param tlvValue the value of a TLV attribute, or null for TV
 */
public record TransformAttribute(int type, int tvValue, byte[] tlvValue) {
    public static final int KEY_LENGTH = 14;
    private static final int AF = 0x8000;

    public TransformAttribute {
        if (type < 0 || type > 0x7fff || tvValue < 0 || tvValue > 0xffff) {
            throw new IllegalArgumentException("attribute type is 15 bits, TV value 16");
        }
        if (tlvValue != null && tlvValue.length > 0xffff) {
            throw new IllegalArgumentException("TLV value too long");
        }
    }

    public static TransformAttribute keyLength(int bits) {
        return new TransformAttribute(KEY_LENGTH, bits, null);
    }

    public boolean isTv() {
        return tlvValue == null;
    }

    int length() {
        return isTv() ? 4 : 4 + tlvValue.length;
    }

    void write(WireWriter w) {
        if (isTv()) {
            w.u16(AF | type).u16(tvValue);
        } else {
            w.u16(type).u16(tlvValue.length).bytes(tlvValue);
        }
    }

    static TransformAttribute read(WireReader r) throws MalformedMessageException {
        int word = r.u16();
        int type = word & 0x7fff;
        if ((word & AF) != 0) {
            return new TransformAttribute(type, r.u16(), null);
        }
        if (type == KEY_LENGTH) {
            throw MalformedMessageException.syntax("Key Length attribute must be in TV format (§3.3.5)");
        }
        int length = r.u16();
        if (length > r.remaining()) {
            throw MalformedMessageException.length(
                    "attribute length " + length + " with " + r.remaining() + " octets left");
        }
        return new TransformAttribute(type, 0, r.bytes(length));
    }
}
