package io.ikeseal.agent.ts;

import java.math.BigInteger;
import java.util.List;

/**
 * The selector notation of configuration and logs, in the style of strongSwan's:
 *
 * <pre>
 *   selector := addresses [ "[" protocol [ "/" ports ] "]" ]
 *   addresses := "dynamic" | ADDRESS | ADDRESS "/" PREFIX | ADDRESS "-" ADDRESS
 *   protocol := a name (tcp udp icmp ipv6-icmp sctp dccp udplite gre esp ah) | 0..255
 *   ports    := "%opaque" | PORT | PORT "-" PORT                   for tcp, udp, sctp, dccp, udplite
 *             | "%opaque" | TC | TC "-" TC, TC := TYPE [ "/" CODE ]  for icmp and ipv6-icmp
 * </pre>
 *
 * Examples: {@code 10.1.0.0/16}, {@code 192.168.1.10} (a /32), {@code 2001:db8::/32}, {@code 10.0.0.1-10.0.0.9},
 * {@code 0.0.0.0/0}, {@code ::/0}, {@code 10.1.0.0/16[tcp/443]}, {@code dynamic[udp]}, {@code 0.0.0.0/0[icmp/8]}.
 * ICMP Type and Code go into the port fields as one 16-bit number, Type in the high octet (RFC 7296 §3.13.1, RFC
 * 4301 §4.4.1.1): {@code icmp/8} is type 8 with any code (0x0800..0x08ff), {@code icmp/3/4} exactly type 3 code 4,
 * {@code icmp/3-5} types 3 to 5. A bare TYPE as the lower end of a range means code 0, as the upper end code 255.
 * Addresses are literals only (no name is ever resolved); IPv4 is dotted-quad decimal without leading zeros, IPv6
 * without zone. A prefix must not leave host bits set. No protocol means any protocol and any port.
 *
 * <p>{@link #format} prints the same notation: a prefix where the range is one (so hosts print as {@code /32} or
 * {@code /128}, as strongSwan does), IPv6 in RFC 5952 form, and the shortest suffix; parsing the output gives the
 * same selector back.
 */
public final class SelectorNotation {
    static final String DYNAMIC = "dynamic";
    private static final String OPAQUE = "%opaque";

    private SelectorNotation() {}

    /** Parses one selector; see the class comment. */
    public static ConfiguredSelector parse(String raw) {
        if (raw == null) {
            throw new SelectorSyntaxException("no traffic selector");
        }
        String text = raw.strip();
        if (text.isEmpty()) {
            throw new SelectorSyntaxException("empty traffic selector");
        }
        int open = text.indexOf('[');
        String addresses = (open < 0 ? text : text.substring(0, open)).strip();
        String suffix = null;
        if (open >= 0) {
            int close = text.indexOf(']', open);
            if (close < 0) {
                throw error(text, "'[' without ']'");
            }
            suffix = text.substring(open + 1, close).strip();
            if (suffix.indexOf('[') >= 0) {
                throw error(text, "'[' inside '[...]'");
            }
            if (close != text.length() - 1) {
                throw error(text, "text after ']'");
            }
        } else if (text.indexOf(']') >= 0) {
            throw error(text, "']' without '['");
        }
        if (addresses.isEmpty()) {
            throw error(
                    text,
                    "no addresses before '['; write e.g. 0.0.0.0/0" + text + ", ::/0" + text + " or dynamic" + text);
        }
        if (addresses.equalsIgnoreCase(DYNAMIC)) {
            int[] pp = suffix == null ? ANY : parseSuffix(text, suffix, null);
            return new ConfiguredSelector.Dynamic(pp[0], pp[1], pp[2]);
        }
        Range r = parseAddresses(text, addresses);
        int[] pp = suffix == null ? ANY : parseSuffix(text, suffix, r.family);
        return new ConfiguredSelector.Fixed(new Selector(r.family, r.low, r.high, pp[0], pp[1], pp[2]));
    }

    private static final int[] ANY = {IpProtocol.ANY, Selector.ANY_START_PORT, Selector.ANY_END_PORT};

    private record Range(AddressFamily family, BigInteger low, BigInteger high) {}

    private static Range parseAddresses(String text, String a) {
        int slash = a.indexOf('/');
        int dash = a.indexOf('-');
        if (slash >= 0 && dash >= 0) {
            throw error(text, "a range 'A-B' takes no prefix length");
        }
        if (slash >= 0) {
            Range host = parseAddress(text, a.substring(0, slash).strip());
            String p = a.substring(slash + 1).strip();
            int bits = host.family.bits();
            if (!p.matches("[0-9]{1,3}")) {
                throw error(text, "prefix length '" + p + "' is not a number 0.." + bits);
            }
            int len = Integer.parseInt(p);
            if (len > bits) {
                throw error(text, "prefix length " + len + " is above " + bits + ", the longest for " + host.family);
            }
            BigInteger hostBits = BigInteger.ONE.shiftLeft(bits - len).subtract(BigInteger.ONE);
            BigInteger network = host.low.andNot(hostBits);
            if (!network.equals(host.low)) {
                throw error(
                        text,
                        "address has bits set after the /" + len + " prefix; the network is "
                                + AddressText.format(host.family, network) + "/" + len);
            }
            return new Range(host.family, network, network.or(hostBits));
        }
        if (dash >= 0) {
            Range lo = parseAddress(text, a.substring(0, dash).strip());
            Range hi = parseAddress(text, a.substring(dash + 1).strip());
            if (lo.family != hi.family) {
                throw error(text, "a range's ends must be of one family, not " + lo.family + " and " + hi.family);
            }
            if (lo.low.compareTo(hi.low) > 0) {
                throw error(text, "range starts above its end");
            }
            return new Range(lo.family, lo.low, hi.low);
        }
        return parseAddress(text, a);
    }

    private static Range parseAddress(String text, String a) {
        if (a.isEmpty()) {
            throw error(text, "address missing");
        }
        BigInteger n;
        AddressFamily f;
        if (a.indexOf(':') >= 0) {
            f = AddressFamily.IPV6;
            n = AddressText.parseIpv6(text, a);
        } else if (a.matches("[0-9.]+")) {
            f = AddressFamily.IPV4;
            n = BigInteger.valueOf(AddressText.parseIpv4(text, a));
        } else {
            throw error(text, "'" + a + "' is not an IP address, prefix, range or 'dynamic' (names are not resolved)");
        }
        return new Range(f, n, n);
    }

    /** Returns {protocol, startPort, endPort}. {@code family} is null for dynamic. */
    private static int[] parseSuffix(String text, String suffix, AddressFamily family) {
        int slash = suffix.indexOf('/');
        String p = (slash < 0 ? suffix : suffix.substring(0, slash)).strip();
        if (p.isEmpty()) {
            throw error(text, "protocol missing in '[...]'");
        }
        int protocol;
        if (p.matches("[0-9]{1,3}")) {
            protocol = Integer.parseInt(p);
            if (protocol > 255) {
                throw error(text, "protocol " + protocol + " is above 255");
            }
        } else {
            protocol = IpProtocol.byName(p);
            if (protocol < 0) {
                throw error(
                        text,
                        "unknown protocol '" + p + "'; use tcp, udp, icmp, ipv6-icmp, sctp, dccp, "
                                + "udplite, gre, esp, ah or a number 0..255");
            }
        }
        if (family == AddressFamily.IPV6 && protocol == IpProtocol.ICMP) {
            throw error(text, "icmp is ICMP for IPv4; for IPv6 write ipv6-icmp");
        }
        if (family == AddressFamily.IPV4 && protocol == IpProtocol.IPV6_ICMP) {
            throw error(text, "ipv6-icmp is ICMP for IPv6; for IPv4 write icmp");
        }
        if (slash < 0) {
            return new int[] {protocol, Selector.ANY_START_PORT, Selector.ANY_END_PORT};
        }
        String ports = suffix.substring(slash + 1).strip();
        IpProtocol.PortKind kind = IpProtocol.portKind(protocol);
        if (kind == IpProtocol.PortKind.NONE) {
            throw error(
                    text,
                    protocol == IpProtocol.ANY
                            ? "ports need a protocol, e.g. [tcp/" + ports + "]"
                            : "protocol " + IpProtocol.name(protocol) + " has no ports (RFC 7296 §3.13.1: they must be "
                                    + "0-65535)");
        }
        if (ports.isEmpty()) {
            throw error(text, "ports missing after '/'");
        }
        if (ports.equalsIgnoreCase(OPAQUE)) {
            return new int[] {protocol, Selector.OPAQUE_START_PORT, Selector.OPAQUE_END_PORT};
        }
        int dash = ports.indexOf('-');
        String lo = dash < 0 ? ports : ports.substring(0, dash).strip();
        String hi = dash < 0 ? ports : ports.substring(dash + 1).strip();
        int start;
        int end;
        if (kind == IpProtocol.PortKind.PORTS) {
            start = port(text, lo);
            end = port(text, hi);
        } else {
            start = typeCode(text, lo, false);
            end = typeCode(text, hi, true);
        }
        if (start > end) {
            throw error(
                    text, (kind == IpProtocol.PortKind.PORTS ? "port" : "type/code") + " range starts above its end");
        }
        return new int[] {protocol, start, end};
    }

    private static int port(String text, String s) {
        if (!s.matches("[0-9]{1,5}") || Integer.parseInt(s) > 0xffff) {
            throw error(text, "port '" + s + "' is not a number 0..65535");
        }
        return Integer.parseInt(s);
    }

    /** TYPE or TYPE/CODE; a bare TYPE is code 0 at the start of a range and code 255 at its end. */
    private static int typeCode(String text, String s, boolean upper) {
        int slash = s.indexOf('/');
        int type =
                octet(text, "ICMP type", slash < 0 ? s : s.substring(0, slash).strip());
        int code = slash < 0
                ? (upper ? 0xff : 0)
                : octet(text, "ICMP code", s.substring(slash + 1).strip());
        return type << 8 | code;
    }

    private static int octet(String text, String what, String s) {
        if (!s.matches("[0-9]{1,3}") || Integer.parseInt(s) > 255) {
            throw error(text, what + " '" + s + "' is not a number 0..255");
        }
        return Integer.parseInt(s);
    }

    static SelectorSyntaxException error(String text, String problem) {
        return new SelectorSyntaxException("'" + text + "': " + problem);
    }

    /** Selectors in notation, comma-separated, as a list is written in configuration. */
    static String join(List<?> selectors) {
        StringBuilder b = new StringBuilder();
        for (Object s : selectors) {
            b.append(b.isEmpty() ? "" : ", ").append(s);
        }
        return b.toString();
    }

    /** The notation of a selector; see the class comment. */
    public static String format(Selector s) {
        return formatAddresses(s.family(), s.start(), s.end()) + formatSuffix(s.protocol(), s.startPort(), s.endPort());
    }

    static String formatAddresses(AddressFamily f, BigInteger lo, BigInteger hi) {
        BigInteger size = hi.subtract(lo).add(BigInteger.ONE);
        int k = size.getLowestSetBit();
        boolean aligned = lo.signum() == 0 || lo.getLowestSetBit() >= k;
        if (size.bitCount() == 1 && aligned) {
            return AddressText.format(f, lo) + "/" + (f.bits() - k);
        }
        return AddressText.format(f, lo) + "-" + AddressText.format(f, hi);
    }

    /** "" for any protocol and port, else "[protocol]" or "[protocol/ports]". */
    static String formatSuffix(int protocol, int startPort, int endPort) {
        boolean anyPort = startPort == Selector.ANY_START_PORT && endPort == Selector.ANY_END_PORT;
        if (protocol == IpProtocol.ANY && anyPort) {
            return "";
        }
        StringBuilder b = new StringBuilder("[").append(IpProtocol.name(protocol));
        if (!anyPort) {
            b.append('/');
            if (startPort == Selector.OPAQUE_START_PORT && endPort == Selector.OPAQUE_END_PORT) {
                b.append(OPAQUE);
            } else if (IpProtocol.portKind(protocol) == IpProtocol.PortKind.TYPE_CODE) {
                b.append(formatTypeCodes(startPort, endPort));
            } else {
                b.append(startPort);
                if (endPort != startPort) {
                    b.append('-').append(endPort);
                }
            }
        }
        return b.append(']').toString();
    }

    private static String formatTypeCodes(int lo, int hi) {
        if (lo == hi) {
            return (lo >> 8) + "/" + (lo & 0xff);
        }
        String low = (lo & 0xff) == 0 ? Integer.toString(lo >> 8) : (lo >> 8) + "/" + (lo & 0xff);
        String high = (hi & 0xff) == 0xff ? Integer.toString(hi >> 8) : (hi >> 8) + "/" + (hi & 0xff);
        return (lo >> 8) == (hi >> 8) && (lo & 0xff) == 0 && (hi & 0xff) == 0xff ? low : low + "-" + high;
    }
}
