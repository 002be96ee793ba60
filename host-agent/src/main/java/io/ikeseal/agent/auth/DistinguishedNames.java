package io.ikeseal.agent.auth;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Distinguished names written the way strongSwan users write them: RDNs in the order of the DER sequence, so
 * {@code "C=DE, O=x, CN=y"} puts C first (as {@code openssl x509 -subject} and strongSwan print it). This is the
 * reverse of RFC 4514 / {@link X500Principal#getName()}, which starts with the last RDN; reading one as the other
 * gives a DN that never matches a certificate. Values are encoded as the JDK does (PrintableString where possible,
 * IA5String for emailAddress and DC, else UTF8String), which is also strongSwan's choice.
 */
final class DistinguishedNames {
    /** strongSwan's RDN keywords (identity parsing documentation); the first keyword of an OID is the one printed. */
    private static final Map<String, String> KEYWORDS = new LinkedHashMap<>();

    @SuppressWarnings("JdkObsolete") // IETFUtils.appendRDN takes a Hashtable
    private static final Hashtable<ASN1ObjectIdentifier, String> SYMBOLS = new Hashtable<>();

    static {
        keyword("C", "2.5.4.6");
        keyword("ST", "2.5.4.8");
        keyword("L", "2.5.4.7");
        keyword("O", "2.5.4.10");
        keyword("OU", "2.5.4.11");
        keyword("CN", "2.5.4.3");
        keyword("S", "2.5.4.4");
        keyword("SN", "2.5.4.5");
        keyword("serialNumber", "2.5.4.5");
        keyword("STREET", "2.5.4.9");
        keyword("T", "2.5.4.12");
        keyword("D", "2.5.4.13");
        keyword("postalCode", "2.5.4.17");
        keyword("N", "2.5.4.41");
        keyword("G", "2.5.4.42");
        keyword("I", "2.5.4.43");
        keyword("ID", "2.5.4.45");
        keyword("dnQualifier", "2.5.4.46");
        keyword("E", "1.2.840.113549.1.9.1");
        keyword("Email", "1.2.840.113549.1.9.1");
        keyword("emailAddress", "1.2.840.113549.1.9.1");
        keyword("UN", "1.2.840.113549.1.9.2");
        keyword("unstructuredName", "1.2.840.113549.1.9.2");
        keyword("DC", "0.9.2342.19200300.100.1.25");
        keyword("UID", "0.9.2342.19200300.100.1.1");
    }

    private DistinguishedNames() {}

    private static void keyword(String name, String oid) {
        KEYWORDS.put(name.toUpperCase(Locale.ROOT), oid); // X500Principal looks keywords up in upper case
        SYMBOLS.putIfAbsent(new ASN1ObjectIdentifier(oid), name);
    }

    /**
     * DER of a DN written with ", " (or ";") between RDNs, or as "/C=DE/O=x/CN=y"; RDN order as written.
     *
     * @throws IllegalArgumentException naming what does not parse
     */
    static byte[] parse(String text) {
        List<RDN> rdns = new ArrayList<>();
        if (text.startsWith("/")) {
            for (String part : text.substring(1).split("/", -1)) {
                RDN[] one = principalRdns(part);
                if (one.length != 1) {
                    throw new IllegalArgumentException("'" + part + "' in '" + text + "' is not one RDN");
                }
                rdns.add(one[0]);
            }
        } else {
            rdns.addAll(List.of(principalRdns(text)).reversed());
        }
        return encode(new X500Name(rdns.toArray(RDN[]::new)));
    }

    /** X500Principal's RDNs of an RFC 1779/2253 string: last written first. */
    private static RDN[] principalRdns(String text) {
        X500Principal p;
        try {
            p = new X500Principal(text, KEYWORDS);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a distinguished name: '" + text + "' (" + e.getMessage() + ")");
        }
        RDN[] rdns = X500Name.getInstance(p.getEncoded()).getRDNs();
        if (rdns.length == 0) {
            throw new IllegalArgumentException("empty distinguished name: '" + text + "'");
        }
        return rdns;
    }

    /** The strongSwan form of a DER DN, or null if {@code der} is not exactly one DN. */
    static String format(byte[] der) {
        X500Name name = decode(der);
        if (name == null || name.getRDNs().length == 0) {
            return null;
        }
        @SuppressWarnings("JdkObsolete") // IETFUtils.appendRDN takes a StringBuffer
        StringBuffer b = new StringBuffer();
        for (RDN rdn : name.getRDNs()) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            IETFUtils.appendRDN(b, rdn, SYMBOLS);
        }
        return b.toString();
    }

    /** The DN of {@code der} if it is exactly one DER DistinguishedName, else null. */
    static X500Principal principal(byte[] der) {
        if (decode(der) == null) {
            return null;
        }
        try {
            return new X500Principal(der);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static X500Name decode(byte[] der) {
        try {
            X500Name name = X500Name.getInstance(der);
            return Arrays.equals(encode(name), der) ? name : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] encode(X500Name name) {
        try {
            return name.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding of a DN failed", e);
        }
    }
}
