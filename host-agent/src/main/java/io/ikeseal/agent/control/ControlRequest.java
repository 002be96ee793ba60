package io.ikeseal.agent.control;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One parsed request: its verb and arguments, with readers that answer a wrong argument precisely. */
public record ControlRequest(String verb, ObjectNode args) {

    /** A string argument, or empty when absent. */
    public Optional<String> text(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new ControlException(ControlException.BAD_ARGUMENT, "\"" + name + "\" must be a string");
        }
        return Optional.of(n.textValue());
    }

    /** A required string argument. */
    public String requireText(String name) {
        return text(name)
                .orElseThrow(() -> new ControlException(ControlException.BAD_ARGUMENT, "\"" + name + "\" is required"));
    }

    /** A boolean argument, {@code false} when absent. */
    public boolean flag(String name) {
        JsonNode n = args.get(name);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new ControlException(ControlException.BAD_ARGUMENT, "\"" + name + "\" must be true or false");
        }
        return n.booleanValue();
    }

    /** {@code timeout-ms}, at least 1 ms and at most {@code max}; {@code dflt} when absent. */
    public Duration timeout(Duration dflt, Duration max) {
        JsonNode n = args.get("timeout-ms");
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.longValue() < 1 || n.longValue() > max.toMillis()) {
            throw new ControlException(
                    ControlException.BAD_ARGUMENT, "\"timeout-ms\" must be an integer from 1 to " + max.toMillis());
        }
        return Duration.ofMillis(n.longValue());
    }

    /** A 64-bit IKE SPI argument as hexadecimal (16 digits, as {@code ikeseal sas} prints it; 0x allowed). */
    public Optional<Long> ikeSpi(String name) {
        return text(name).map(s -> hex(name, s, 16));
    }

    /** A 32-bit CHILD_SA SPI argument as hexadecimal (8 digits; 0x allowed). */
    public Optional<Integer> childSpi(String name) {
        return text(name).map(s -> (int) hex(name, s, 8));
    }

    private static long hex(String name, String value, int maxDigits) {
        String d = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        if (d.isEmpty() || d.length() > maxDigits || !d.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new ControlException(
                    ControlException.BAD_ARGUMENT,
                    "\"" + name + "\" must be an SPI of up to " + maxDigits + " hexadecimal digits, not '"
                            + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'");
        }
        return HexFormat.fromHexDigitsToLong(d);
    }
}
