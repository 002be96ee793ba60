package io.ikeseal.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * scripts/bench-responders' driver, run tiny so it cannot rot: every responder (charon with its key in SoftHSM,
 * ikeseal sealed, ikeseal compat) takes 20 SAs under the VICI load after a warm-up, a few one at a time, then keeps
 * 50; every SA comes up, every figure is there, and the token ceiling was measured.
 */
class ResponderBenchTest {
    @Test
    @Timeout(value = 170)
    void tinyRunOfEveryResponder() throws Exception {
        ResponderBench.Settings s = new ResponderBench.Settings(
                10,
                2,
                4,
                2,
                10,
                0.05,
                List.of("charon", "sealed", "compat"),
                Duration.ofSeconds(20),
                null,
                100, // one JIT round, of 2 SAs (--warmup-max 4): any share is quiet
                4);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<ResponderBench.Result> results;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            results = ResponderBench.run(s, out);
        }
        String report = buf.toString(StandardCharsets.UTF_8);
        assertEquals(3, results.size(), report);
        for (ResponderBench.Result r : results) {
            assertNull(r.error(), report);
            assertEquals(10, r.loaded().established(), report);
            assertEquals(0, r.loaded().failures(), report);
            // /proc counts CPU in 10 ms ticks: 10 SAs of charon (about 1.4 ms each) may read as 0 ticks
            assertTrue(r.loaded().perSecond() > 0 && r.cpuMillisPerSa() >= 0, report);
            assertTrue(r.loaded().latencyMillis(0.99) >= r.loaded().latencyMillis(0.5), report);
            assertTrue(r.unloadedP50() > 0, report);
            assertNotNull(r.kept(), report);
            assertEquals(10, r.kept().established(), report);
            assertEquals(0, r.kept().lost(), report);
            // charon is not a JVM: no split by thread; an ikeseal responder's SAs took token calls and SA work
            boolean jvm = !r.responder().startsWith("charon");
            assertEquals(jvm, !r.threadCpuMillisPerSa().isEmpty(), report);
            if (jvm) {
                assertEquals(4, r.warmed().sas(), report);
                assertTrue(r.warmed().jitShare() >= 0 && r.warmed().jitShare() <= 100, report);
                // every group is measured; in ticks per thread, so a small one may read 0, but not all of them
                assertTrue(r.threadCpuMillisPerSa().get("token calls") >= 0, report);
                assertTrue(
                        r.threadCpuMillisPerSa().values().stream()
                                        .mapToDouble(Double::doubleValue)
                                        .sum()
                                > 0,
                        report);
                assertTrue(
                        BenchReport.THREAD_GROUPS.containsAll(
                                r.threadCpuMillisPerSa().keySet()),
                        report);
            }
        }
        assertTrue(
                report.contains("| responder | warm-up SAs (JIT share of the last round) | token calls | SA workers |"),
                report);
        assertTrue(report.contains("ratio SAs/s ikeseal sealed"), report);
        assertTrue(report.contains("| sealed | hsm |"), report);
        assertTrue(report.contains("| compat | smartcard |"), report);
        assertTrue(report.contains("live heap per SA"), report);
    }
}
