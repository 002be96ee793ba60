package io.ikeseal.agent.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in the configuration and on the command line: {@code 500ms}, {@code 30s}, {@code 4h},
 * {@code 1h30m}, {@code 2d}.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {}

    static Duration parse(ConfigSource src, String at, String text, Duration min, Duration max) {
        try {
            return parse(text, min, max);
        } catch (IllegalArgumentException e) {
            throw src.error(at, e.getMessage());
        }
    }

    /**
     * An optional duration that may be switched off with {@code 0} (or {@code 0s}): {@code dflt} when absent, zero
     * for 0, else {@code min..max}.
     */
    static Duration zeroOr(ConfigSource src, String at, String text, Duration dflt, Duration min, Duration max) {
        if (text == null) {
            return dflt;
        }
        if (text.trim().matches("0+(ms|s|m|h|d)?")) {
            return Duration.ZERO;
        }
        return parse(src, at, text, min, max);
    }

    /**
     * Parses {@code text} and checks {@code min..max}.
     *
     * @throws IllegalArgumentException saying what is wrong (one line, quoting {@code text})
     */
    public static Duration parse(String text, Duration min, Duration max) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("must be a duration such as 30s, 4h or 1h30m");
        }
        Matcher m = PART.matcher(text.trim());
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(
                    switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
            end = m.end();
        }
        if (end == 0 || end != text.trim().length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 500ms, 30s, 4h, 1h30m)");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("'" + text + "' is out of range " + format(min) + ".." + format(max));
        }
        return d;
    }

    static String format(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
