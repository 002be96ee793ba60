package io.ikeseal.agent.daemon;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/** The live instances per class of this JVM ({@code jcmd PID GC.class_histogram}, which collects first). */
final class ClassHistogram {
    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private ClassHistogram() {}

    /**
     * The histogram as text: one string, so that holding the one taken before while measuring after adds a single
     * object rather than thousands of map entries.
     */
    static String take() throws Exception {
        return (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
    }

    /** Instances per class name of a histogram {@link #take} returned. */
    static Map<String, Long> instances(String text) {
        Map<String, Long> rows = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                rows.merge(m.group(3), Long.parseLong(m.group(1)), Long::sum);
            }
        }
        return rows;
    }

    /** The classes with at least {@code floor} more instances in {@code after} than in {@code before}, and by how many. */
    static Map<String, Long> grown(Map<String, Long> before, Map<String, Long> after, long floor) {
        Map<String, Long> out = new HashMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d >= floor) {
                out.put(k, d);
            }
        });
        return out;
    }
}
