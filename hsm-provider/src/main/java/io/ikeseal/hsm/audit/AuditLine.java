package io.ikeseal.hsm.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ikeseal.hsm.api.AuditContext;

/**
 * One line of the audit log, and the single definition of its bytes (writer and verifier both use it).
 *
 * <h2>Canonical form</h2>
 * The <em>canonical bytes</em> of a record are the UTF-8 JSON object with exactly these fields in this
 * order: {@code seq, time, token, op, mechanism, key, spiI, spiR, peer, result, durationUs, prev}, and:
 * <ul>
 *   <li>no whitespace anywhere outside strings;</li>
 *   <li>{@code seq} and {@code durationUs} as plain decimal integers (leading {@code -} if negative);</li>
 *   <li>{@code time} as {@link Instant#toString()} (ISO-8601 UTC, {@code Z}, fraction in 0/3/6/9 digits);</li>
 *   <li>an absent string as the literal {@code null};</li>
 *   <li>strings escaped as Jackson 2.x writes them by default: {@code "} and {@code \} backslash-escaped,
 *       U+0008/09/0A/0C/0D as {@code \b \t \n \f \r}, other U+0000..U+001F as <code>&#92;u00XX</code> (uppercase
 *       hex), everything else literal UTF-8. Lone UTF-16 surrogates are replaced by U+FFFD before writing
 *       (they have no UTF-8 form; failing instead would let one odd token label stop the log);</li>
 *   <li>{@code prev} = the previous record's {@code hash}, or 64 zeros for {@code seq} 1.</li>
 * </ul>
 * {@code hash} = lowercase hex SHA-256 of the canonical bytes. The stored line is the canonical bytes with
 * the closing {@code }} replaced by {@code ,"hash":"<hash>"}} and followed by {@code \n}.
 * {@link #parse} accepts only lines byte-identical to that, so every record has exactly one valid encoding
 * (no duplicate keys, reordered fields or alternative escapes that a reader might interpret differently).
 * {@code AuditLineTest} pins a golden vector so a Jackson upgrade that changes escaping is caught.
 */
record AuditLine(
        long seq,
        String time,
        String token,
        String op,
        String mechanism,
        String key,
        String spiI,
        String spiR,
        String peer,
        String result,
        long durationUs,
        String prev,
        String hash) {

    static final String GENESIS = "0".repeat(64);
    /** Far above any real record (&lt; 1 KiB); bounds what the verifier and the tail reader buffer. */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] HASH_PREFIX = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The next record of a chain: computes its hash. */
    static AuditLine next(long seq, String prev, AuditRecord r) {
        AuditContext c = r.context() == null ? AuditContext.NONE : r.context();
        AuditLine unhashed = new AuditLine(
                seq,
                r.time().toString(),
                clean(r.token()),
                clean(r.operation()),
                clean(r.mechanism()),
                clean(r.keyRef()),
                clean(c.ikeSpiI()),
                clean(c.ikeSpiR()),
                clean(c.peer()),
                clean(r.result()),
                r.durationMicros(),
                prev,
                null);
        return unhashed.withHash(sha256Hex(unhashed.canonical()));
    }

    /** Upper bound of a record's line length (6 bytes per char covers the longest escape), checked at append. */
    static long maxEncodedLength(AuditRecord r) {
        AuditContext c = r.context() == null ? AuditContext.NONE : r.context();
        long n = 512;
        for (String s : new String[] {
            r.token(), r.operation(), r.mechanism(), r.keyRef(), c.ikeSpiI(), c.ikeSpiR(), c.peer(), r.result()
        }) {
            n += s == null ? 4 : 6L * s.length();
        }
        return n;
    }

    private AuditLine withHash(String h) {
        return new AuditLine(seq, time, token, op, mechanism, key, spiI, spiR, peer, result, durationUs, prev, h);
    }

    byte[] canonical() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(384);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("seq", seq);
            g.writeStringField("time", time);
            g.writeStringField("token", token);
            g.writeStringField("op", op);
            g.writeStringField("mechanism", mechanism);
            g.writeStringField("key", key);
            g.writeStringField("spiI", spiI);
            g.writeStringField("spiR", spiR);
            g.writeStringField("peer", peer);
            g.writeStringField("result", result);
            g.writeNumberField("durationUs", durationUs);
            g.writeStringField("prev", prev);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** The stored line without its trailing newline. */
    byte[] line() {
        byte[] c = canonical();
        byte[] h = hash.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(c, c.length - 1 + HASH_PREFIX.length + h.length + 2);
        int p = c.length - 1;
        System.arraycopy(HASH_PREFIX, 0, out, p, HASH_PREFIX.length);
        p += HASH_PREFIX.length;
        System.arraycopy(h, 0, out, p, h.length);
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    /**
     * Parses and checks one line (without its newline) on its own: canonical form and own hash. Chain
     * links (seq, prev) are the caller's business.
     *
     * @throws AuditException with a reason that names fields only, never content
     */
    static AuditLine parse(byte[] b, int len) {
        if (len > MAX_LINE_BYTES) throw bad("is longer than " + MAX_LINE_BYTES + " bytes");
        JsonNode n;
        try {
            n = MAPPER.readTree(b, 0, len);
        } catch (IOException e) {
            throw bad("is not valid JSON (garbage or a torn write)");
        }
        if (n == null || !n.isObject()) throw bad("is not a JSON object");
        AuditLine l = new AuditLine(
                num(n, "seq"),
                str(n, "time"),
                str(n, "token"),
                str(n, "op"),
                str(n, "mechanism"),
                str(n, "key"),
                str(n, "spiI"),
                str(n, "spiR"),
                str(n, "peer"),
                str(n, "result"),
                num(n, "durationUs"),
                str(n, "prev"),
                str(n, "hash"));
        if (l.seq < 1) throw bad("has seq < 1");
        if (!isHash(l.prev)) throw bad("has a malformed prev (want 64 lowercase hex)");
        if (!isHash(l.hash)) throw bad("has a malformed hash (want 64 lowercase hex)");
        if (l.time == null) throw bad("has no time");
        try {
            if (!Instant.parse(l.time).toString().equals(l.time)) throw bad("has a non-canonical time");
        } catch (DateTimeParseException e) {
            throw bad("has a malformed time");
        }
        byte[] expected = l.line();
        if (!Arrays.equals(expected, 0, expected.length, b, 0, len)) {
            throw bad("is not in canonical form (field set, order, spacing or escaping differ)");
        }
        if (!sha256Hex(l.canonical()).equals(l.hash)) throw bad("does not match its own hash (record edited)");
        return l;
    }

    static String sha256Hex(byte[] data) {
        try {
            // Pinned to SUN: a PKCS#11 provider registered first must not receive the audit log's hashing.
            return HEX.formatHex(MessageDigest.getInstance("SHA-256", "SUN").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without SUN SHA-256", e);
        }
    }

    static boolean isHash(String s) {
        if (s == null || s.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char ch = s.charAt(i);
            if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
        }
        return true;
    }

    private static long num(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) throw bad("has no integer " + field);
        return v.longValue();
    }

    private static String str(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null) throw bad("has no field " + field);
        if (v.isNull()) return null;
        if (!v.isTextual()) throw bad("has a non-string " + field);
        return v.textValue();
    }

    private static AuditException bad(String why) {
        return new AuditException(why);
    }

    static String clean(String s) {
        if (s == null || s.chars().noneMatch(ch -> Character.isSurrogate((char) ch))) return s;
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> b.appendCodePoint(cp <= 0xFFFF && Character.isSurrogate((char) cp) ? 0xFFFD : cp));
        return b.toString();
    }
}
