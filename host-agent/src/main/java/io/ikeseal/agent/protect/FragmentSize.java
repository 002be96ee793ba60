package io.ikeseal.agent.protect;

import io.ikeseal.agent.wire.IkeHeader;

/**
 * The largest IKE message, in octets, that one fragment may take (RFC 7383 §2.5.1): the IP datagram size less the
 * IP and UDP headers, and less the 4-octet non-ESP marker that precedes IKE messages on port 4500 (RFC 3948 §2.2,
 * RFC 7296 §2.23). Without path MTU knowledge RFC 7383 recommends datagrams of 576 octets for IPv4 and 1280 for
 * IPv6, the sizes every link must carry.
 */
public record FragmentSize(int maxMessageLength) {
    public static final int IPV4_DEFAULT_DATAGRAM = 576;
    public static final int IPV6_DEFAULT_DATAGRAM = 1280;
    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int UDP_HEADER = 8;
    static final int NON_ESP_MARKER = 4;

    public FragmentSize {
        if (maxMessageLength <= IkeHeader.LENGTH || maxMessageLength > 0xffff) {
            throw new IllegalArgumentException("a fragment of " + maxMessageLength + " octets");
        }
    }

    /** For datagrams of {@code ipDatagramLength} octets, IP header included. */
    public static FragmentSize forDatagram(int ipDatagramLength, boolean ipv6, boolean nonEspMarker) {
        return new FragmentSize(ipDatagramLength
                - (ipv6 ? IPV6_HEADER : IPV4_HEADER)
                - UDP_HEADER
                - (nonEspMarker ? NON_ESP_MARKER : 0));
    }

    /** 548 octets, or 544 behind a non-ESP marker. */
    public static FragmentSize ipv4Default(boolean nonEspMarker) {
        return forDatagram(IPV4_DEFAULT_DATAGRAM, false, nonEspMarker);
    }

    /** 1232 octets, or 1228 behind a non-ESP marker. */
    public static FragmentSize ipv6Default(boolean nonEspMarker) {
        return forDatagram(IPV6_DEFAULT_DATAGRAM, true, nonEspMarker);
    }
}
