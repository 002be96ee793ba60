package io.ikeseal.hsm.token;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An RFC 7512 PKCS#11 URI such as {@code pkcs11:token=gw-id;object=ike-ecdsa;type=private?pin-source=file:/etc/pin}.
 * Only parses; attribute meaning is applied by {@link SlotSelector} and the key lookups.
 */
public final class Pkcs11Uri {
    private static final Set<String> PATH_ATTRS = Set.of(
            "library-description",
            "library-manufacturer",
            "library-version",
            "manufacturer",
            "model",
            "serial",
            "token",
            "slot-description",
            "slot-id",
            "slot-manufacturer",
            "id",
            "object",
            "type");
    private static final Set<String> QUERY_ATTRS = Set.of("pin-source", "pin-value", "module-name", "module-path");

    private final String text;
    private final Map<String, byte[]> path;
    private final Map<String, String> query;

    private Pkcs11Uri(String text, Map<String, byte[]> path, Map<String, String> query) {
        this.text = text;
        this.path = path;
        this.query = query;
    }

    public static boolean looksLikeUri(String s) {
        return s != null && s.regionMatches(true, 0, "pkcs11:", 0, 7);
    }

    /** Parses a URI; throws IllegalArgumentException with the offending part named. */
    public static Pkcs11Uri parse(String text) {
        if (!looksLikeUri(text)) {
            throw new IllegalArgumentException("not a PKCS#11 URI (must start with 'pkcs11:'): " + text);
        }
        String rest = text.substring(7);
        int q = rest.indexOf('?');
        String pathPart = q < 0 ? rest : rest.substring(0, q);
        String queryPart = q < 0 ? "" : rest.substring(q + 1);
        Map<String, byte[]> path = new LinkedHashMap<>();
        for (String attr : split(pathPart, ';')) {
            String[] kv = keyValue(attr, text);
            if (!PATH_ATTRS.contains(kv[0]) && !kv[0].startsWith("x-")) {
                throw new IllegalArgumentException("unknown PKCS#11 URI path attribute '" + kv[0] + "' in " + text);
            }
            if (path.put(kv[0], decode(kv[1], text)) != null) {
                throw new IllegalArgumentException("duplicate PKCS#11 URI attribute '" + kv[0] + "' in " + text);
            }
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (String attr : split(queryPart, '&')) {
            String[] kv = keyValue(attr, text);
            if (!QUERY_ATTRS.contains(kv[0]) && !kv[0].startsWith("x-")) {
                throw new IllegalArgumentException("unknown PKCS#11 URI query attribute '" + kv[0] + "' in " + text);
            }
            query.put(kv[0], new String(decode(kv[1], text), StandardCharsets.UTF_8));
        }
        return new Pkcs11Uri(text, Collections.unmodifiableMap(path), Collections.unmodifiableMap(query));
    }

    private static String[] split(String s, char sep) {
        return s.isEmpty() ? new String[0] : s.split(java.util.regex.Pattern.quote(String.valueOf(sep)), -1);
    }

    private static String[] keyValue(String attr, String text) {
        int eq = attr.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("malformed PKCS#11 URI attribute '" + attr + "' in " + text);
        }
        return new String[] {attr.substring(0, eq).toLowerCase(java.util.Locale.ROOT), attr.substring(eq + 1)};
    }

    private static byte[] decode(String v, String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%') {
                if (i + 2 >= v.length()) {
                    throw new IllegalArgumentException("truncated percent-encoding in " + text);
                }
                try {
                    out.write(HexFormat.fromHexDigits(v, i + 1, i + 3));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("bad percent-encoding '" + v.substring(i) + "' in " + text);
                }
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    private String str(String attr) {
        byte[] v = path.get(attr);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    public String token() {
        return str("token");
    }

    public String manufacturer() {
        return str("manufacturer");
    }

    public String model() {
        return str("model");
    }

    public String serial() {
        return str("serial");
    }

    public Long slotId() {
        String s = str("slot-id");
        return s == null ? null : Long.parseLong(s);
    }

    /** The object label (CKA_LABEL). */
    public String object() {
        return str("object");
    }

    /** The object ID (CKA_ID) as raw bytes, or null. */
    public byte[] id() {
        byte[] v = path.get("id");
        return v == null ? null : v.clone();
    }

    /** public, private, cert, secret-key or data. */
    public String type() {
        return str("type");
    }

    public String modulePath() {
        return query.get("module-path");
    }

    /** A pin-source such as file:/etc/ikeseal/pin; pin-value is deliberately not offered (PINs stay out of configs). */
    public String pinSource() {
        return query.get("pin-source");
    }

    public boolean hasPinValue() {
        return query.containsKey("pin-value");
    }

    @Override
    public String toString() {
        return hasPinValue() ? text.replaceAll("pin-value=[^&]*", "pin-value=***") : text;
    }
}
