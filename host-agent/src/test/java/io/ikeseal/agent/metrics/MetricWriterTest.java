package io.ikeseal.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What the writer writes parses strictly, escapes included; and the parser does refuse what the format forbids. */
class MetricWriterTest {
    @Test
    void writesWhatAStrictParserAccepts() {
        Histogram h = new Histogram();
        h.observeNanos(50_000); // 50 µs: first bucket
        h.observeNanos(3_000_000); // 3 ms
        h.observeNanos(60_000_000_000L); // a minute: +Inf only
        MetricWriter w = new MetricWriter()
                .family("ikeseal_x_total", "counter", "A help with a back\\slash\nand a newline.")
                .sample("ikeseal_x_total", 3, "reason", "quote \" back \\ line \n end")
                .family("ikeseal_y", "gauge", "A gauge.")
                .sample("ikeseal_y", 0.5);
        h.writeTo(w.family("ikeseal_z_seconds", "histogram", "A histogram."), "ikeseal_z_seconds", "token", "hsm");
        TextFormat t = TextFormat.parse(w.text());
        assertEquals(3, t.value("ikeseal_x_total", "reason", "quote \" back \\ line \n end"));
        assertEquals(0.5, t.value("ikeseal_y"));
        assertEquals(1, t.value("ikeseal_z_seconds_bucket", "token", "hsm", "le", "0.0001"));
        assertEquals(2, t.value("ikeseal_z_seconds_bucket", "token", "hsm", "le", "0.005"));
        assertEquals(2, t.value("ikeseal_z_seconds_bucket", "token", "hsm", "le", "10"));
        assertEquals(3, t.value("ikeseal_z_seconds_bucket", "token", "hsm", "le", "+Inf"));
        assertEquals(3, t.value("ikeseal_z_seconds_count", "token", "hsm"));
        assertEquals(60.00305, t.value("ikeseal_z_seconds_sum", "token", "hsm"), 1e-9);
        assertThrows(
                IllegalArgumentException.class,
                () -> new MetricWriter().family("ikeseal_y", "gauge", "x").family("ikeseal_y", "gauge", "x"));
    }

    @Test
    void theParserIsStrict() {
        String ok = "# HELP a_total A.\n# TYPE a_total counter\na_total 1\n";
        TextFormat.parse(ok);
        for (String bad : new String[] {
            "# TYPE a_total counter\na_total 1\n", // TYPE without HELP
            "# HELP a_total A.\n# TYPE a_total counter\na_total one\n", // not a float
            "# HELP a_total A.\n# TYPE a_total counter\na_total{x=\"\\t\"} 1\n", // unknown escape
            "# HELP a_total A.\n# TYPE a_total counter\na_total 1\na_total 2\n", // twice
            "# HELP a_total A.\n# TYPE a_total counter\nb 1\n", // outside its family
            ok.strip(), // no final line feed
            "# HELP h A.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 0\nh_count 1\n",
            "# HELP h A.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0\nh_count 3\n",
        }) {
            assertThrows(IllegalArgumentException.class, () -> TextFormat.parse(bad), bad);
        }
    }
}
