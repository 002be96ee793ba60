package io.ikeseal.agent.config;

import java.util.Locale;

/** How {@code ikeseal run} writes its log and SA event lines: as text, or as one JSON object per line. */
public enum LogFormat {
    TEXT,
    JSON;

    static LogFormat from(YamlModel.Logging raw, ConfigSource src) {
        if (raw == null || raw.format() == null) {
            return TEXT;
        }
        return switch (raw.format().trim().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw src.error("logging.format", "'" + raw.format() + "': expected text or json");
        };
    }
}
