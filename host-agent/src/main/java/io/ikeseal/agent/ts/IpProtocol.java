package io.ikeseal.agent.ts;

import java.util.Locale;
import java.util.Map;

/**
 * IP protocol numbers as a traffic selector's IP Protocol ID (RFC 7296 §3.13.1; IANA "Assigned Internet Protocol
 * Numbers"), with the names the selector notation uses, and what each protocol puts in the port fields: two ports,
 * an ICMP type and code (RFC 4301 §4.4.1.1), or nothing.
 */
public final class IpProtocol {
    /** Protocol 0 in a selector: any protocol (§3.13.1). */
    public static final int ANY = 0;

    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int DCCP = 33;
    public static final int GRE = 47;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int IPV6_ICMP = 58;
    public static final int SCTP = 132;
    public static final int UDPLITE = 136;

    /** What the Start Port and End Port fields mean for a protocol. */
    public enum PortKind {
        /** Source and destination ports (TCP, UDP, SCTP, DCCP, UDP-Lite). */
        PORTS,
        /** ICMP Type in the high octet and Code in the low octet (§3.13.1, RFC 4301 §4.4.1.1). */
        TYPE_CODE,
        /** No port: the fields MUST be 0 and 65535 (§3.13.1). */
        NONE
    }

    private static final Map<String, Integer> BY_NAME = Map.ofEntries(
            Map.entry("icmp", ICMP),
            Map.entry("tcp", TCP),
            Map.entry("udp", UDP),
            Map.entry("dccp", DCCP),
            Map.entry("gre", GRE),
            Map.entry("esp", ESP),
            Map.entry("ah", AH),
            Map.entry("ipv6-icmp", IPV6_ICMP),
            Map.entry("icmpv6", IPV6_ICMP),
            Map.entry("sctp", SCTP),
            Map.entry("udplite", UDPLITE));

    private IpProtocol() {}

    /** The protocol named {@code name} (case-insensitive; "icmpv6" is an alias of "ipv6-icmp"), or -1. */
    public static int byName(String name) {
        Integer p = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        return p != null ? p : -1;
    }

    /** The notation's name of a protocol: a keyword for the ones above, the number otherwise. */
    public static String name(int protocol) {
        return switch (protocol) {
            case ICMP -> "icmp";
            case TCP -> "tcp";
            case UDP -> "udp";
            case DCCP -> "dccp";
            case GRE -> "gre";
            case ESP -> "esp";
            case AH -> "ah";
            case IPV6_ICMP -> "ipv6-icmp";
            case SCTP -> "sctp";
            case UDPLITE -> "udplite";
            default -> Integer.toString(protocol);
        };
    }

    public static PortKind portKind(int protocol) {
        return switch (protocol) {
            case TCP, UDP, SCTP, DCCP, UDPLITE -> PortKind.PORTS;
            case ICMP, IPV6_ICMP -> PortKind.TYPE_CODE;
            default -> PortKind.NONE;
        };
    }
}
