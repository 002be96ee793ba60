package io.ikeseal.agent.metrics;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format 0.0.4: per metric family one {@code # HELP} and one {@code # TYPE}
 * line, then its samples, {@code name{label="value",...} value}, one per line. Label values escape {@code \},
 * {@code "} and newline, HELP text {@code \} and newline. A family may be written once.
 */
public final class MetricWriter {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out = new StringBuilder(8192);
    private final Set<String> families = new HashSet<>();

    /** Starts family {@code name} of {@code type} ({@code counter}, {@code gauge}, {@code histogram}). */
    public MetricWriter family(String name, String type, String help) {
        if (!NAME.matcher(name).matches() || !families.add(name)) {
            throw new IllegalArgumentException("metric family '" + name + "' invalid or written twice");
        }
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c == '\\') out.append("\\\\");
            else if (c == '\n') out.append("\\n");
            else out.append(c);
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample; {@code labels} alternate name and value. */
    public MetricWriter sample(String name, long value, String... labels) {
        start(name, labels).append(value).append('\n');
        return this;
    }

    public MetricWriter sample(String name, double value, String... labels) {
        start(name, labels).append(number(value)).append('\n');
        return this;
    }

    private StringBuilder start(String name, String... labels) {
        if (!NAME.matcher(name).matches() || labels.length % 2 != 0) {
            throw new IllegalArgumentException("bad sample " + name);
        }
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (!LABEL.matcher(labels[i]).matches()) {
                    throw new IllegalArgumentException("bad label name " + labels[i]);
                }
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
                String v = labels[i + 1] == null ? "" : labels[i + 1];
                for (int j = 0; j < v.length(); j++) {
                    char c = v.charAt(j);
                    if (c == '\\') out.append("\\\\");
                    else if (c == '"') out.append("\\\"");
                    else if (c == '\n') out.append("\\n");
                    else out.append(c);
                }
                out.append('"');
            }
            out.append('}');
        }
        return out.append(' ');
    }

    static String number(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        return Double.toString(v);
    }

    public String text() {
        return out.toString();
    }
}
