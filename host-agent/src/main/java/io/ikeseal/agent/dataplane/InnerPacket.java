package io.ikeseal.agent.dataplane;

import java.nio.ByteBuffer;

/**
 * The selector fields of one inner IP packet (RFC 4301 §4.4.1.1): version, addresses as unsigned 128-bit numbers
 * in two longs (IPv4 in the low long), the next layer protocol and its "ports". For TCP, UDP, SCTP and UDP-Lite
 * those are the ports; for ICMP and ICMPv6 both carry type &lt;&lt; 8 | code, the single type-and-code selector of
 * RFC 4301 §4.4.1.1 that IKEv2 puts into the port fields (RFC 7296 §3.13.1); every other protocol, and a fragment
 * other than the first, has {@link #OPAQUE} ports. IPv6 extension headers are skipped (Hop-by-Hop, Routing,
 * Destination Options, Fragment) to find the protocol.
 *
 * <p>Mutable and reused: one per thread, parsed anew for every packet, never allocating.
 */
final class InnerPacket {
    /** The port value of a packet without ports: only selectors with ANY or OPAQUE ports admit it. */
    static final int OPAQUE = 0x10000;

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;
    private static final int UDP_LITE = 136;
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;
    private static final int HOP_BY_HOP = 0;
    private static final int ROUTING = 43;
    private static final int FRAGMENT = 44;
    private static final int DESTINATION_OPTIONS = 60;
    private static final int MAX_EXTENSION_HEADERS = 8;

    int version;
    /** The IP packet's own length (IPv4 Total Length, IPv6 40 + Payload Length): what follows is ESP TFC padding. */
    int length;

    int protocol;
    long sourceHigh;
    long sourceLow;
    long destinationHigh;
    long destinationLow;
    int sourcePort;
    int destinationPort;

    /**
     * Reads the packet between {@code b}'s position and limit with absolute gets (the buffer is not moved).
     *
     * @return false for anything that is no well-formed IPv4 or IPv6 packet of at most those octets
     */
    boolean parse(ByteBuffer b) {
        int p = b.position();
        int n = b.remaining();
        if (n < 1) {
            return false;
        }
        return switch ((b.get(p) & 0xff) >>> 4) {
            case 4 -> parseIpv4(b, p, n);
            case 6 -> parseIpv6(b, p, n);
            default -> false;
        };
    }

    private boolean parseIpv4(ByteBuffer b, int p, int n) {
        if (n < 20) {
            return false;
        }
        int headerLength = (b.get(p) & 0x0f) * 4;
        int total = b.getShort(p + 2) & 0xffff;
        if (headerLength < 20 || total < headerLength || total > n) {
            return false;
        }
        version = 4;
        length = total;
        protocol = b.get(p + 9) & 0xff;
        sourceHigh = 0;
        sourceLow = b.getInt(p + 12) & 0xffff_ffffL;
        destinationHigh = 0;
        destinationLow = b.getInt(p + 16) & 0xffff_ffffL;
        if ((b.getShort(p + 6) & 0x1fff) != 0) { // a later fragment: no ports (RFC 4301 §7)
            sourcePort = OPAQUE;
            destinationPort = OPAQUE;
            return true;
        }
        return ports(b, p + headerLength, p + total);
    }

    private boolean parseIpv6(ByteBuffer b, int p, int n) {
        if (n < 40) {
            return false;
        }
        int total = 40 + (b.getShort(p + 4) & 0xffff);
        if (total > n) {
            return false; // also a jumbogram (Payload Length 0 with more octets is fine: trailing TFC padding)
        }
        version = 6;
        length = total;
        sourceHigh = b.getLong(p + 8);
        sourceLow = b.getLong(p + 16);
        destinationHigh = b.getLong(p + 24);
        destinationLow = b.getLong(p + 32);
        int end = p + total;
        int next = b.get(p + 6) & 0xff;
        int at = p + 40;
        for (int i = 0; i <= MAX_EXTENSION_HEADERS; i++) {
            switch (next) {
                case HOP_BY_HOP, ROUTING, DESTINATION_OPTIONS -> {
                    if (at + 8 > end) {
                        return false;
                    }
                    next = b.get(at) & 0xff;
                    at += ((b.get(at + 1) & 0xff) + 1) * 8;
                }
                case FRAGMENT -> {
                    if (at + 8 > end) {
                        return false;
                    }
                    next = b.get(at) & 0xff;
                    boolean later = (b.getShort(at + 2) & 0xfff8) != 0;
                    at += 8;
                    if (later) {
                        protocol = next;
                        sourcePort = OPAQUE;
                        destinationPort = OPAQUE;
                        return true;
                    }
                }
                default -> {
                    protocol = next;
                    return ports(b, at, end);
                }
            }
        }
        return false;
    }

    private boolean ports(ByteBuffer b, int at, int end) {
        switch (protocol) {
            case TCP, UDP, SCTP, UDP_LITE -> {
                if (at + 4 > end) {
                    return false;
                }
                sourcePort = b.getShort(at) & 0xffff;
                destinationPort = b.getShort(at + 2) & 0xffff;
            }
            case ICMP, ICMPV6 -> {
                if (at + 2 > end) {
                    return false;
                }
                int typeCode = b.getShort(at) & 0xffff;
                sourcePort = typeCode;
                destinationPort = typeCode;
            }
            default -> {
                if (at > end) {
                    return false;
                }
                sourcePort = OPAQUE;
                destinationPort = OPAQUE;
            }
        }
        return true;
    }
}
