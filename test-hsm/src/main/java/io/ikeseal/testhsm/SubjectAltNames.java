package io.ikeseal.testhsm;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/** Turns "dns:gw.example", "email:a@b", "ip:192.0.2.1" or bare values into GeneralNames. */
final class SubjectAltNames {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private SubjectAltNames() {}

    static GeneralNames of(List<String> sans) {
        return new GeneralNames(sans.stream().map(SubjectAltNames::one).toArray(GeneralName[]::new));
    }

    static GeneralName one(String san) {
        int colon = san.indexOf(':');
        String prefix = colon > 0 ? san.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        return switch (prefix) {
            case "dns" -> new GeneralName(GeneralName.dNSName, san.substring(colon + 1));
            case "email" -> new GeneralName(GeneralName.rfc822Name, san.substring(colon + 1));
            case "ip" -> ip(san.substring(colon + 1));
            default -> guess(san);
        };
    }

    private static GeneralName guess(String san) {
        if (san.contains("@")) {
            return new GeneralName(GeneralName.rfc822Name, san);
        }
        if (IPV4.matcher(san).matches() || san.contains(":")) {
            return ip(san);
        }
        return new GeneralName(GeneralName.dNSName, san);
    }

    private static GeneralName ip(String literal) {
        // ofLiteral never does a DNS lookup
        return new GeneralName(
                GeneralName.iPAddress,
                new DEROctetString(InetAddress.ofLiteral(literal).getAddress()));
    }
}
