package io.ikeseal.agent.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: every line a HELP, a TYPE or a sample;
 * HELP and TYPE once per family and before its samples, which form one group; names and label names by the format's
 * grammar, label values with only the three escapes; no sample twice; counters and gauges sampled under the family's
 * name, histograms as _bucket (with {@code le}), _sum and _count, each bucket series ascending in {@code le},
 * cumulative, ending at +Inf, whose count is the series' _count. Throws IllegalArgumentException naming the line.
 */
public final class TextFormat {
    private static final Pattern HELP =
            Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) ((?:[^\\\\\\n]|\\\\[\\\\n])*)");
    private static final Pattern TYPE =
            Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]Inf|NaN");

    public record Sample(String name, Map<String, String> labels, double value) {}

    public record Family(String name, String type, String help, List<Sample> samples) {}

    private final Map<String, Family> families = new LinkedHashMap<>();

    private TextFormat() {}

    public static TextFormat parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the last line has no line feed");
        }
        TextFormat f = new TextFormat();
        String help = null;
        String helpFor = null;
        Family current = null;
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (String line : text.lines().toList()) {
            n++;
            Matcher help0 = HELP.matcher(line);
            Matcher type0 = TYPE.matcher(line);
            Matcher sample0 = SAMPLE.matcher(line);
            Matcher m;
            if (help0.matches()) {
                m = help0;
                if (f.families.containsKey(m.group(1)) || m.group(1).equals(helpFor)) {
                    throw bad(n, line, "second HELP for " + m.group(1));
                }
                helpFor = m.group(1);
                help = m.group(2);
            } else if (type0.matches()) {
                m = type0;
                if (!m.group(1).equals(helpFor) || f.families.containsKey(m.group(1))) {
                    throw bad(n, line, "TYPE without its HELP right before, or a second TYPE");
                }
                current = new Family(m.group(1), m.group(2), help, new ArrayList<>());
                f.families.put(current.name(), current);
                helpFor = null;
            } else if (sample0.matches()) {
                m = sample0;
                if (current == null || !belongs(current, m.group(1))) {
                    throw bad(n, line, "sample outside its family's group");
                }
                Map<String, String> labels = labels(n, line, m.group(3));
                if (!FLOAT.matcher(m.group(4)).matches()) {
                    throw bad(n, line, "value is not a float");
                }
                if (!seen.add(m.group(1) + labels)) {
                    throw bad(n, line, "sample written twice");
                }
                double v = switch (m.group(4)) {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    case "NaN" -> Double.NaN;
                    default -> Double.parseDouble(m.group(4));
                };
                current.samples().add(new Sample(m.group(1), labels, v));
            } else {
                throw bad(n, line, "neither HELP, TYPE nor a sample");
            }
        }
        f.families.values().stream().filter(x -> x.type().equals("histogram")).forEach(TextFormat::checkHistogram);
        return f;
    }

    private static boolean belongs(Family f, String sample) {
        if (!f.type().equals("histogram")) return sample.equals(f.name());
        return sample.equals(f.name() + "_bucket")
                || sample.equals(f.name() + "_sum")
                || sample.equals(f.name() + "_count");
    }

    private static Map<String, String> labels(int n, String line, String body) {
        Map<String, String> out = new TreeMap<>();
        if (body == null || body.isEmpty()) return out;
        Matcher m = LABEL.matcher(body);
        int at = 0;
        while (at < body.length()) {
            if (!m.find(at) || m.start() != at) throw bad(n, line, "bad label at " + at);
            String v = m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
            if (out.put(m.group(1), v) != null) throw bad(n, line, "label twice");
            at = m.end();
        }
        return out;
    }

    /** Buckets ascending and cumulative, ending at +Inf == _count, per series. */
    private static void checkHistogram(Family f) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            Map<String, String> series = new TreeMap<>(s.labels());
            if (s.name().endsWith("_bucket")) {
                if (series.remove("le") == null) throw new IllegalArgumentException(f.name() + ": bucket without le");
                buckets.computeIfAbsent(series, k -> new ArrayList<>()).add(s);
            } else if (s.name().endsWith("_count")) {
                counts.put(series, s.value());
            }
        }
        if (!buckets.keySet().equals(counts.keySet())) {
            throw new IllegalArgumentException(f.name() + ": bucket series and _count series differ");
        }
        buckets.forEach((series, bs) -> {
            double le = Double.NEGATIVE_INFINITY;
            double count = -1;
            for (Sample b : bs) {
                String l = b.labels().get("le");
                double bound = l.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(l);
                if (!(bound > le)) throw new IllegalArgumentException(f.name() + series + ": le not ascending");
                if (b.value() < count)
                    throw new IllegalArgumentException(f.name() + series + ": buckets not cumulative");
                le = bound;
                count = b.value();
            }
            if (le != Double.POSITIVE_INFINITY)
                throw new IllegalArgumentException(f.name() + series + ": no +Inf bucket");
            if (count != counts.get(series)) throw new IllegalArgumentException(f.name() + series + ": +Inf != _count");
        });
    }

    private static IllegalArgumentException bad(int n, String line, String why) {
        return new IllegalArgumentException("line " + n + ": " + why + ": " + line);
    }

    public Map<String, Family> families() {
        return families;
    }

    /** The value of the sample {@code name} with exactly these labels (name, value, ...), or 0 if absent. */
    public double value(String name, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) want.put(labels[i], labels[i + 1]);
        return families.values().stream()
                .flatMap(f -> f.samples().stream())
                .filter(s -> s.name().equals(name) && s.labels().equals(want))
                .mapToDouble(Sample::value)
                .findFirst()
                .orElse(0);
    }

    /** The sum of every sample {@code name} whose labels include these. */
    public double sum(String name, String... labels) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) want.put(labels[i], labels[i + 1]);
        return families.values().stream()
                .flatMap(f -> f.samples().stream())
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(want.entrySet()))
                .mapToDouble(Sample::value)
                .sum();
    }
}
