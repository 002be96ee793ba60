package io.ikeseal.hsm.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.ikeseal.hsm.api.AuditContext;

/** Pins the canonical form: if a Jackson upgrade changes its output, old logs would stop verifying. */
class AuditLineTest {
    static final AuditRecord GOLDEN = new AuditRecord(
            Instant.parse("2024-01-02T03:04:05.123456Z"),
            "tok",
            "derive",
            "CKM_HKDF_DERIVE",
            "SKEYSEED",
            new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.1"),
            "ok",
            42);

    @Test
    void goldenVector() {
        AuditLine l = AuditLine.next(1, AuditLine.GENESIS, GOLDEN);
        String canonical = "{\"seq\":1,\"time\":\"2024-01-02T03:04:05.123456Z\",\"token\":\"tok\",\"op\":\"derive\","
                + "\"mechanism\":\"CKM_HKDF_DERIVE\",\"key\":\"SKEYSEED\",\"spiI\":\"0123456789abcdef\","
                + "\"spiR\":\"fedcba9876543210\",\"peer\":\"192.0.2.1\",\"result\":\"ok\",\"durationUs\":42,"
                + "\"prev\":\"" + "0".repeat(64) + "\"}";
        assertEquals(canonical, new String(l.canonical(), StandardCharsets.UTF_8));
        // Computed independently with `printf '%s' <canonical> | sha256sum`.
        String hash = "98a5c227c0ced7efc3b474839fcee21c90097a3f803a13838b4975c310d3f95a";
        assertEquals(hash, l.hash());
        String line = canonical.substring(0, canonical.length() - 1) + ",\"hash\":\"" + hash + "\"}";
        assertEquals(line, new String(l.line(), StandardCharsets.UTF_8));
        byte[] b = l.line();
        assertEquals(l, AuditLine.parse(b, b.length));
    }

    @Test
    void escapingAndNulls() {
        AuditRecord r = new AuditRecord(
                Instant.parse("2024-01-02T03:04:05Z"),
                "a\"b\\c\nd\u0001\u00e9/",
                null,
                null,
                "bad\uD800x",
                null,
                null,
                -1);
        AuditLine l = AuditLine.next(1, AuditLine.GENESIS, r);
        String c = new String(l.canonical(), StandardCharsets.UTF_8);
        assertTrue(c.contains("\"token\":\"a\\\"b\\\\c\\nd\\u0001\u00e9/\""), c);
        assertTrue(c.contains("\"op\":null,\"mechanism\":null,\"key\":\"bad\uFFFDx\",\"spiI\":null"), c);
        assertTrue(c.contains("\"durationUs\":-1"), c);
        byte[] b = l.line();
        assertEquals(l, AuditLine.parse(b, b.length));
    }

    @Test
    void rejectsNonCanonicalEncodings() {
        String line = new String(AuditLine.next(1, AuditLine.GENESIS, GOLDEN).line(), StandardCharsets.UTF_8);
        for (String variant : new String[] {
            line.replace("\"seq\":1,", "\"seq\": 1,"), // spacing
            line.replace("\"token\":\"tok\"", "\"token\":\"\\u0074ok\""), // same value, other escape
            line.replace("\"result\":\"ok\",", "\"result\":\"ok\",\"result\":\"ok\","), // duplicate key
            line.replace("03:04:05.123456Z", "03:04:05.123456000Z")
        }) { // same instant, other text
            byte[] b = variant.getBytes(StandardCharsets.UTF_8);
            AuditException e = assertThrows(AuditException.class, () -> AuditLine.parse(b, b.length), variant);
            assertTrue(e.getMessage().contains("canonical"), e.getMessage());
        }
    }
}
