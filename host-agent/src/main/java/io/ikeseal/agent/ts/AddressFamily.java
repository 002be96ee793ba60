package io.ikeseal.agent.ts;

import java.math.BigInteger;

import io.ikeseal.agent.wire.TrafficSelector;

/**
 * The two address families a traffic selector can carry (RFC 7296 §3.13.1: TS_IPV4_ADDR_RANGE and
 * TS_IPV6_ADDR_RANGE). Selectors of different families never intersect: a packet has one family.
 */
public enum AddressFamily {
    IPV4(4, TrafficSelector.TS_IPV4_ADDR_RANGE, "IPv4"),
    IPV6(16, TrafficSelector.TS_IPV6_ADDR_RANGE, "IPv6");

    private final int octets;
    private final int tsType;
    private final BigInteger max;
    private final String label;

    AddressFamily(int octets, int tsType, String label) {
        this.octets = octets;
        this.tsType = tsType;
        this.label = label;
        this.max = BigInteger.ONE.shiftLeft(octets * 8).subtract(BigInteger.ONE);
    }

    /** Address length in octets: 4 or 16. */
    public int octets() {
        return octets;
    }

    /** Address length in bits, the longest prefix. */
    public int bits() {
        return octets * 8;
    }

    /** The TS Type of §3.13.1: 7 or 8. */
    public int tsType() {
        return tsType;
    }

    /** The highest address, all ones. */
    public BigInteger maxAddress() {
        return max;
    }

    /** "IPv4" or "IPv6", as messages say it. */
    @Override
    public String toString() {
        return label;
    }

    /** The family of a TS Type, or null for a type that is not an address range. */
    public static AddressFamily ofTsType(int tsType) {
        for (AddressFamily f : values()) {
            if (f.tsType == tsType) {
                return f;
            }
        }
        return null;
    }

    /** The family of an address of {@code octets} octets. */
    public static AddressFamily ofLength(int octets) {
        return switch (octets) {
            case 4 -> IPV4;
            case 16 -> IPV6;
            default -> throw new IllegalArgumentException("an IP address has 4 or 16 octets, not " + octets);
        };
    }

    /** The address as an unsigned number. */
    BigInteger toNumber(byte[] address) {
        if (address.length != octets) {
            throw new IllegalArgumentException(this + " address of " + address.length + " octets");
        }
        return new BigInteger(1, address);
    }

    /** The address as {@link #octets()} big-endian octets. */
    byte[] toOctets(BigInteger address) {
        byte[] out = new byte[octets];
        byte[] raw = address.toByteArray(); // may carry a leading sign octet or be shorter
        int n = Math.min(raw.length, octets);
        System.arraycopy(raw, raw.length - n, out, octets - n, n);
        return out;
    }
}
