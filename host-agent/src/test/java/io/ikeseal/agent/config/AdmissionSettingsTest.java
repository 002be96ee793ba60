package io.ikeseal.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The {@code ike.*} admission keys: defaults, values taken, and each error naming file, key and problem. */
class AdmissionSettingsTest {
    private static final ConfigSource SRC = new ConfigSource(Path.of("/etc/ikeseal/ikeseal.yaml"));

    private static YamlModel.Ike ike(
            Integer global,
            Integer sourceCookies,
            Integer source,
            Integer prefixCookies,
            Integer prefix,
            Integer perSource,
            Integer all) {
        return new YamlModel.Ike(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                global,
                sourceCookies,
                source,
                prefixCookies,
                prefix,
                perSource,
                all,
                null,
                null,
                null,
                null,
                null);
    }

    private static void assertFails(YamlModel.Ike raw, String key, String problem) {
        ConfigException e = assertThrows(ConfigException.class, () -> AdmissionSettings.from(raw, SRC));
        assertEquals(key, e.keyPath());
        assertEquals("/etc/ikeseal/ikeseal.yaml: " + key + ": " + problem, e.getMessage());
    }

    @Test
    void absentKeysTakeStrongSwansPerAddressDefaults() {
        AdmissionSettings a = AdmissionSettings.from(ike(null, null, null, null, null, null, null), SRC);
        assertEquals(AdmissionSettings.DEFAULT, a);
        assertEquals(3, a.sourceCookieThreshold());
        assertEquals(5, a.sourceLimit());
    }

    @Test
    void writtenValuesAreTaken() {
        assertEquals(
                new AdmissionSettings(100, 0, 2, 4, 8, 5, 50),
                AdmissionSettings.from(ike(100, 0, 2, 4, 8, 5, 50), SRC));
    }

    @Test
    void outOfRangeOrInconsistentValuesNameTheirKey() {
        assertFails(ike(0, null, null, null, null, null, null), "ike.half-open-limit", "must be 1..1000000, was 0");
        assertFails(
                ike(null, -1, null, null, null, null, null),
                "ike.source-cookie-threshold",
                "must be 0..1000000, was -1");
        assertFails(
                ike(null, null, 0, null, null, null, null), "ike.source-half-open-limit", "must be 1..1000000, was 0");
        assertFails(
                ike(null, null, 10, null, 9, null, null),
                "ike.prefix-half-open-limit",
                "must be at least ike.source-half-open-limit (10), was 9");
        assertFails(
                ike(null, null, null, null, null, 20, 10),
                "ike.refusals-per-second",
                "must be at least ike.refusals-per-source (20), was 10");
    }
}
