package io.ikeseal.agent.wire;

/** A configuration attribute (RFC 7296 §3.15.1): 15-bit type, value (may be empty, e.g. in a request). */
public record ConfigurationAttribute(int type, byte[] value) {
    public static final int INTERNAL_IP4_ADDRESS = 1;
    public static final int INTERNAL_IP4_NETMASK = 2;
    public static final int INTERNAL_IP4_DNS = 3;
    public static final int INTERNAL_IP4_NBNS = 4;
    public static final int INTERNAL_IP4_DHCP = 6;
    public static final int APPLICATION_VERSION = 7;
    public static final int INTERNAL_IP6_ADDRESS = 8;
    public static final int INTERNAL_IP6_DNS = 10;
    public static final int INTERNAL_IP6_DHCP = 12;
    public static final int INTERNAL_IP4_SUBNET = 13;
    public static final int SUPPORTED_ATTRIBUTES = 14;
    public static final int INTERNAL_IP6_SUBNET = 15;

    public ConfigurationAttribute {
        if (type < 0 || type > 0x7fff || value.length > 0xffff) {
            throw new IllegalArgumentException("attribute type is 15 bits, length 16");
        }
    }

    int length() {
        return 4 + value.length;
    }

    void write(WireWriter w) {
        w.u16(type).u16(value.length).bytes(value);
    }

    static ConfigurationAttribute read(WireReader r) throws MalformedMessageException {
        int type = r.u16() & 0x7fff; // the R bit is reserved: ignored on receipt
        int length = r.u16();
        if (length > r.remaining()) {
            throw MalformedMessageException.length(
                    "CP attribute " + type + " length " + length + " with " + r.remaining() + " octets left");
        }
        return new ConfigurationAttribute(type, r.bytes(length));
    }
}
