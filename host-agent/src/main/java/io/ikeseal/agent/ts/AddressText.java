package io.ikeseal.agent.ts;

import java.math.BigInteger;
import java.util.Locale;

/**
 * IP address literals in selector notation: IPv4 as four dotted decimal octets without leading zeros, IPv6 in the
 * text forms of RFC 4291 §2.2 without a zone, printed in the form of RFC 5952 §4. Literals only: no name is ever
 * resolved. Errors quote the whole selector {@code text}.
 */
final class AddressText {
    private AddressText() {}

    private static SelectorSyntaxException error(String text, String problem) {
        return SelectorNotation.error(text, problem);
    }

    static long parseIpv4(String text, String a) {
        String[] octets = a.split("\\.", -1);
        if (octets.length != 4) {
            throw error(text, "'" + a + "' is not an IPv4 address: it needs four dotted decimal octets");
        }
        long n = 0;
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3) {
                throw error(text, "'" + a + "' is not an IPv4 address: octet '" + o + "'");
            }
            if (o.length() > 1 && o.charAt(0) == '0') {
                throw error(text, "'" + a + "': octet '" + o + "' has a leading zero (octal to some tools)");
            }
            int v = Integer.parseInt(o);
            if (v > 255) {
                throw error(text, "'" + a + "': octet " + v + " is above 255");
            }
            n = n << 8 | v;
        }
        return n;
    }

    /** RFC 4291 §2.2 text forms: eight groups, at most one "::", optionally a dotted IPv4 address at the end. */
    static BigInteger parseIpv6(String text, String a) {
        if (a.indexOf('%') >= 0) {
            throw error(text, "'" + a + "': a zone index has no place in a selector");
        }
        if (!a.matches("[0-9A-Fa-f:.]+")) {
            throw error(text, "'" + a + "' is not an IPv6 address");
        }
        int gap = a.indexOf("::");
        if (gap >= 0 && a.indexOf("::", gap + 1) >= 0) {
            throw error(text, "'" + a + "' has more than one '::'");
        }
        int[] head = groups(text, a, gap < 0 ? a : a.substring(0, gap), gap < 0);
        int[] tail = gap < 0 ? new int[0] : groups(text, a, a.substring(gap + 2), true);
        int count = head.length + tail.length;
        if (gap < 0 ? count != 8 : count > 7) {
            throw error(text, "'" + a + "' is not an IPv6 address: " + count + " groups");
        }
        BigInteger n = BigInteger.ZERO;
        for (int g : head) {
            n = n.shiftLeft(16).or(BigInteger.valueOf(g));
        }
        n = n.shiftLeft(16 * (8 - count));
        for (int g : tail) {
            n = n.shiftLeft(16).or(BigInteger.valueOf(g));
        }
        return n;
    }

    private static int[] groups(String text, String a, String part, boolean mayEndInIpv4) {
        if (part.isEmpty()) {
            return new int[0];
        }
        String[] g = part.split(":", -1);
        boolean ipv4 = mayEndInIpv4 && g[g.length - 1].indexOf('.') >= 0;
        int[] out = new int[g.length + (ipv4 ? 1 : 0)];
        for (int i = 0; i < g.length; i++) {
            if (ipv4 && i == g.length - 1) {
                long v4 = parseIpv4(text, g[i]);
                out[i] = (int) (v4 >>> 16);
                out[i + 1] = (int) (v4 & 0xffff);
            } else if (!g[i].matches("[0-9A-Fa-f]{1,4}")) {
                throw error(text, "'" + a + "' is not an IPv6 address: group '" + g[i] + "'");
            } else {
                out[i] = Integer.parseInt(g[i], 16);
            }
        }
        return out;
    }

    /** Dotted quad, or IPv6 in RFC 5952 §4 form: lower case, no leading zeros, the longest zero run as "::". */
    static String format(AddressFamily f, BigInteger n) {
        if (f == AddressFamily.IPV4) {
            long v = n.longValue();
            return (v >>> 24) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = n.shiftRight(16 * (7 - i)).intValue() & 0xffff;
        }
        int bestStart = -1;
        int bestLen = 1; // §4.2.2: "::" never shortens a single zero group
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) { // §4.2.3: the first of equally long runs
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!b.isEmpty() && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }
}
