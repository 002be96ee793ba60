package io.ikeseal.agent.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import javax.security.auth.x500.X500Principal;

import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;

/**
 * An IKE identity (RFC 7296 §3.5): ID type and identification data, the body of IDi or IDr without its
 * direction. Configured identities are parsed as strongSwan parses them ({@link #parse}); received ones come from
 * {@link #of(IdentificationPayload)}. {@link #toString()} prints the strongSwan form, which parses back to an equal
 * identity (long or odd values are escaped or shown as hex, so a peer's ID is safe to log).
 *
 * <p>{@link #equals} compares octets; {@link #matches} compares as identities: DNS names and the domain of an
 * RFC 822 address ignore ASCII case (RFC 4343, RFC 5280 §7.5), a DN compares as {@link X500Principal}s, everything
 * else octet for octet. No wildcards.
 */
public record IkeIdentity(int type, byte[] data) {
    private static final int MAX_SHOWN = 1024;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** strongSwan's explicit type prefixes, e.g. "fqdn:vpn.example" or "keyid:#0a0b". */
    private static final Map<String, Integer> PREFIXES = Map.of(
            "ipv4",
            IdentificationPayload.ID_IPV4_ADDR,
            "ipv6",
            IdentificationPayload.ID_IPV6_ADDR,
            "rfc822",
            IdentificationPayload.ID_RFC822_ADDR,
            "email",
            IdentificationPayload.ID_RFC822_ADDR,
            "userfqdn",
            IdentificationPayload.ID_RFC822_ADDR,
            "fqdn",
            IdentificationPayload.ID_FQDN,
            "dns",
            IdentificationPayload.ID_FQDN,
            "asn1dn",
            IdentificationPayload.ID_DER_ASN1_DN,
            "asn1gn",
            IdentificationPayload.ID_DER_ASN1_GN,
            "keyid",
            IdentificationPayload.ID_KEY_ID);
    /** strongSwan's ID_ANY spellings: a wildcard, never an identity one sends. */
    private static final Set<String> ANY = Set.of("", "%any", "%any6", "0.0.0.0", "::", "*");

    public IkeIdentity {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("ID type is an octet, was " + type);
        }
        data = data.clone();
        int want =
                type == IdentificationPayload.ID_IPV4_ADDR ? 4 : type == IdentificationPayload.ID_IPV6_ADDR ? 16 : -1;
        if (want >= 0 ? data.length != want : data.length == 0 && type != IdentificationPayload.ID_NULL) {
            throw new IllegalArgumentException("ID type " + type + " with " + data.length + " octets");
        }
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The identity of a received IDi or IDr. */
    public static IkeIdentity of(IdentificationPayload id) {
        return new IkeIdentity(id.idType(), id.data());
    }

    /** This identity as IDi ({@link PayloadType#IDI}) or IDr. */
    public IdentificationPayload toPayload(PayloadType kind) {
        return new IdentificationPayload(kind, type, data);
    }

    public static IkeIdentity fqdn(String name) {
        return new IkeIdentity(IdentificationPayload.ID_FQDN, ascii(name, "FQDN"));
    }

    public static IkeIdentity dn(X500Principal name) {
        return new IkeIdentity(IdentificationPayload.ID_DER_ASN1_DN, name.getEncoded());
    }

    public static IkeIdentity address(InetAddress a) {
        byte[] b = a.getAddress();
        return new IkeIdentity(
                b.length == 4 ? IdentificationPayload.ID_IPV4_ADDR : IdentificationPayload.ID_IPV6_ADDR, b);
    }

    /**
     * Parses a configured identity as strongSwan does (docs.strongswan.org, "Identity Parsing"): an optional type
     * prefix ({@code ipv4: ipv6: rfc822: email: userfqdn: fqdn: dns: asn1dn: asn1gn: keyid:}, with {@code #hex} for
     * binary data); else a string with {@code =} is a DN in DER order ({@code "C=DE, O=x, CN=y"} or
     * {@code "/C=DE/O=x/CN=y"}); {@code "@#hex"} a KEY_ID, {@code "@@user"} and {@code "user@host"} an RFC 822
     * address, {@code "@host"} an FQDN; an IPv6 or dotted IPv4 literal an address; anything else an FQDN. Where
     * strongSwan falls back to KEY_ID for what does not parse, this refuses.
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static IkeIdentity parse(String text) {
        if (ANY.contains(text)) {
            throw new IllegalArgumentException("'" + text + "' is strongSwan's ID_ANY, a wildcard, not an identity");
        }
        int colon = text.indexOf(':');
        Integer prefixed = colon > 0 ? PREFIXES.get(text.substring(0, colon).toLowerCase(Locale.ROOT)) : null;
        if (prefixed != null) {
            return typed(prefixed, text.substring(colon + 1), text);
        }
        if (text.indexOf('=') >= 0) {
            return new IkeIdentity(IdentificationPayload.ID_DER_ASN1_DN, DistinguishedNames.parse(text));
        }
        if (text.startsWith("@#")) {
            return new IkeIdentity(IdentificationPayload.ID_KEY_ID, hex(text.substring(2), text));
        }
        if (text.startsWith("@@")) {
            return typed(IdentificationPayload.ID_RFC822_ADDR, text.substring(2), text);
        }
        if (text.startsWith("@")) {
            return typed(IdentificationPayload.ID_FQDN, text.substring(1), text);
        }
        if (text.indexOf('@') >= 0) {
            return typed(IdentificationPayload.ID_RFC822_ADDR, text, text);
        }
        if (text.indexOf(':') >= 0) {
            return typed(IdentificationPayload.ID_IPV6_ADDR, text, text);
        }
        if (IPV4.matcher(text).matches()) {
            return typed(IdentificationPayload.ID_IPV4_ADDR, text, text);
        }
        return typed(IdentificationPayload.ID_FQDN, text, text);
    }

    private static IkeIdentity typed(int type, String value, String text) {
        if (value.startsWith("#")) {
            return new IkeIdentity(type, hex(value.substring(1), text));
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("identity '" + text + "' has an empty value");
        }
        byte[] data = switch (type) {
            case IdentificationPayload.ID_IPV4_ADDR, IdentificationPayload.ID_IPV6_ADDR -> literal(type, value, text);
            case IdentificationPayload.ID_DER_ASN1_DN -> DistinguishedNames.parse(value);
            case IdentificationPayload.ID_FQDN -> ascii(value, "FQDN");
            case IdentificationPayload.ID_RFC822_ADDR, IdentificationPayload.ID_KEY_ID -> utf8(value);
            default -> throw new IllegalArgumentException("identity '" + text + "': give " + value + " as #hex");
        };
        return new IkeIdentity(type, data);
    }

    private static byte[] literal(int type, String value, String text) {
        try {
            byte[] a = InetAddress.ofLiteral(value).getAddress(); // never a DNS lookup
            if (a.length == (type == IdentificationPayload.ID_IPV4_ADDR ? 4 : 16)) {
                return a;
            }
        } catch (IllegalArgumentException e) {
            // named below
        }
        throw new IllegalArgumentException("identity '" + text + "': '" + value + "' is not an IPv"
                + (type == IdentificationPayload.ID_IPV4_ADDR ? "4" : "6") + " address");
    }

    private static byte[] hex(String digits, String text) {
        try {
            byte[] b = HexFormat.of().parseHex(digits);
            if (b.length > 0) {
                return b;
            }
        } catch (IllegalArgumentException e) {
            // named below
        }
        throw new IllegalArgumentException(
                "identity '" + text + "': '" + digits + "' is not an even number of hex digits");
    }

    private static byte[] ascii(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) <= 0x20 || s.charAt(i) >= 0x7f) {
                throw new IllegalArgumentException(what + " '" + s + "' must be printable ASCII without spaces "
                        + "(RFC 7296 §3.5; internationalized names in their xn-- form)");
            }
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                throw new IllegalArgumentException("identity '" + s + "' contains a control character");
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The identities a certificate vouches for, for matching a peer's ID against its end-entity certificate:
     * subjectAltName dNSName (ID_FQDN), rfc822Name (ID_RFC822_ADDR) and iPAddress (ID_IPV4/IPV6_ADDR) in
     * certificate order, then the subject DN (ID_DER_ASN1_DN) unless empty.
     */
    public static List<IkeIdentity> ofCertificate(X509Certificate cert) {
        List<IkeIdentity> out = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            sans = null; // a malformed SAN extension vouches for nothing
        }
        for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
            if (san.get(1) instanceof String value) {
                IkeIdentity id = switch ((Integer) san.get(0)) {
                    case 1 ->
                        new IkeIdentity(IdentificationPayload.ID_RFC822_ADDR, value.getBytes(StandardCharsets.UTF_8));
                    case 2 -> new IkeIdentity(IdentificationPayload.ID_FQDN, value.getBytes(StandardCharsets.US_ASCII));
                    case 7 -> sanAddress(value);
                    default -> null;
                };
                if (id != null) {
                    out.add(id);
                }
            }
        }
        X500Principal subject = cert.getSubjectX500Principal();
        if (DistinguishedNames.format(subject.getEncoded()) != null) {
            out.add(dn(subject));
        }
        return out;
    }

    private static IkeIdentity sanAddress(String literal) {
        try {
            return address(InetAddress.ofLiteral(literal));
        } catch (IllegalArgumentException e) {
            return null; // e.g. an address with a netmask, which names a range, not a peer
        }
    }

    /** Whether {@code other} is the same identity (see the class comment); never true across ID types. */
    public boolean matches(IkeIdentity other) {
        if (other == null || type != other.type) {
            return false;
        }
        return switch (type) {
            case IdentificationPayload.ID_FQDN -> asciiEqualsIgnoreCase(data, other.data);
            case IdentificationPayload.ID_RFC822_ADDR -> sameMailbox(data, other.data);
            case IdentificationPayload.ID_DER_ASN1_DN -> {
                X500Principal a = DistinguishedNames.principal(data);
                yield a != null && a.equals(DistinguishedNames.principal(other.data));
            }
            default -> Arrays.equals(data, other.data);
        };
    }

    public boolean matches(IdentificationPayload received) {
        return matches(of(received));
    }

    /** Whether the certificate vouches for this identity (subjectAltName or subject DN, see {@link #ofCertificate}). */
    public boolean isNamedIn(X509Certificate cert) {
        return ofCertificate(cert).stream().anyMatch(this::matches);
    }

    private static boolean asciiEqualsIgnoreCase(byte[] a, byte[] b) {
        return new String(a, StandardCharsets.ISO_8859_1).equalsIgnoreCase(new String(b, StandardCharsets.ISO_8859_1))
                && asciiOnly(a)
                && asciiOnly(b);
    }

    private static boolean asciiOnly(byte[] b) {
        for (byte x : b) {
            if (x < 0) {
                return false;
            }
        }
        return true;
    }

    /** Local part exact, domain without regard to ASCII case (RFC 5280 §7.5). */
    private static boolean sameMailbox(byte[] a, byte[] b) {
        String x = new String(a, StandardCharsets.UTF_8);
        String y = new String(b, StandardCharsets.UTF_8);
        int i = x.lastIndexOf('@');
        int j = y.lastIndexOf('@');
        if (i < 0 || j < 0) {
            return Arrays.equals(a, b);
        }
        return x.substring(0, i).equals(y.substring(0, j))
                && asciiEqualsIgnoreCase(
                        x.substring(i + 1).getBytes(StandardCharsets.UTF_8),
                        y.substring(j + 1).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IkeIdentity other && type == other.type && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(data);
    }

    /** strongSwan's form; parses back to an equal identity unless cut at {@value #MAX_SHOWN} characters. */
    @Override
    public String toString() {
        String s = switch (type) {
            case IdentificationPayload.ID_IPV4_ADDR, IdentificationPayload.ID_IPV6_ADDR -> addressText();
            case IdentificationPayload.ID_FQDN -> plainOr("fqdn:", new String(data, StandardCharsets.ISO_8859_1));
            case IdentificationPayload.ID_RFC822_ADDR -> plainOr("email:", new String(data, StandardCharsets.UTF_8));
            case IdentificationPayload.ID_DER_ASN1_DN -> {
                String dn = DistinguishedNames.format(data);
                yield dn != null && equals(safeParse(dn))
                        ? dn
                        : "asn1dn:#" + HexFormat.of().formatHex(data);
            }
            case IdentificationPayload.ID_KEY_ID -> "@#" + HexFormat.of().formatHex(data);
            case IdentificationPayload.ID_DER_ASN1_GN ->
                "asn1gn:#" + HexFormat.of().formatHex(data);
            case IdentificationPayload.ID_NULL -> "(ID_NULL)";
            default -> "(ID type " + type + ") #" + HexFormat.of().formatHex(data);
        };
        return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...(" + data.length + " octets)";
    }

    private String addressText() {
        try {
            return InetAddress.getByAddress(data).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // lengths are checked in the constructor
        }
    }

    /** The value as it is if it parses back to this identity, else with the type prefix (hex if not printable). */
    private String plainOr(String prefix, String value) {
        boolean printable = type == IdentificationPayload.ID_FQDN
                ? value.chars().allMatch(c -> c > 0x20 && c < 0x7f)
                : value.chars().noneMatch(c -> Character.isISOControl(c) || c == 0xfffd);
        if (printable && equals(safeParse(value))) {
            return value;
        }
        return prefix
                + (printable && !value.startsWith("#")
                        ? value
                        : "#" + HexFormat.of().formatHex(data));
    }

    private static IkeIdentity safeParse(String s) {
        try {
            return parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
