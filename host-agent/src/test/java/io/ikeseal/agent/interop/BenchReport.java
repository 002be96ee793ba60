package io.ikeseal.agent.interop;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The tables {@link ResponderBench} prints at the end, in Markdown. */
final class BenchReport {
    private BenchReport() {}

    static void print(
            ResponderBench.Settings s,
            List<ResponderBench.Result> results,
            Map<String, TokenCeiling> ceilings,
            PrintStream out) {
        out.println();
        out.printf(
                Locale.ROOT,
                "### Responders, %d SAs after %d warm-up, %d in flight (IKE SA + CHILD_SA, deleted as they come up)%n%n",
                s.count(),
                s.warmup(),
                s.inFlight());
        out.println("| responder | SAs/s | latency p50 / p99 ms | responder CPU per SA ms | initiator CPU per SA ms"
                + " | failures | unloaded p50 ms |");
        out.println("|---|---|---|---|---|---|---|");
        ResponderBench.Result charon = null;
        for (ResponderBench.Result r : results) {
            if (r.error() != null) {
                out.printf("| %s | FAILED: %s | | | | | |%n", r.responder(), oneLine(r.error()));
                continue;
            }
            if (r.responder().startsWith("charon")) {
                charon = r;
            }
            ViciLoad.Round l = r.loaded();
            out.printf(
                    Locale.ROOT,
                    "| %s | %.0f | %.1f / %.1f | %.2f | %.2f | %d | %.1f |%n",
                    r.responder(),
                    l.perSecond(),
                    l.latencyMillis(0.5),
                    l.latencyMillis(0.99),
                    r.cpuMillisPerSa(),
                    r.initiatorCpuMillisPerSa(),
                    l.failures(),
                    r.unloadedP50());
        }
        if (charon != null) {
            for (ResponderBench.Result r : results) {
                if (r.error() == null && !r.responder().equals(charon.responder())) {
                    out.printf(
                            Locale.ROOT,
                            "ratio SAs/s %s / charon: %.2f%n",
                            r.responder(),
                            r.loaded().perSecond() / charon.loaded().perSecond());
                }
            }
        }
        for (ResponderBench.Result r : results) {
            if (r.error() == null && !r.loaded().failureReasons().isEmpty()) {
                out.println("failures of " + r.responder() + " (first 5): "
                        + r.loaded()
                                .failureReasons()
                                .subList(
                                        0,
                                        Math.min(5, r.loaded().failureReasons().size())));
            }
        }
        threads(results, out);
        if (!ceilings.isEmpty()) {
            out.printf(
                    Locale.ROOT,
                    "%n### Token ceiling in this run (ikeseal bench token, %.1f s per figure, no load running)%n%n",
                    s.tokenSeconds());
            out.println("| configuration | key-exchange token | ecp256 keygen + g^ir + SKEYSEED + IKE SA keys /s,"
                    + " 1 / 2 callers | ECDSA P-256 signs/s (SoftHSM, 1 caller) |");
            out.println("|---|---|---|---|");
            ceilings.forEach((tier, c) -> out.printf(
                    Locale.ROOT,
                    "| %s | %s | %.0f / %.0f | %.0f |%n",
                    tier,
                    c.kxToken(),
                    c.kxPerSecond1(),
                    c.kxPerSecond2(),
                    c.signPerSecond()));
        }
        if (s.keep() > 0) {
            out.printf(Locale.ROOT, "%n### %d SAs kept (IKE SA + CHILD_SA), %d in flight%n%n", s.keep(), s.inFlight());
            out.println("| responder | kept | first W SAs/s | last W SAs/s | W | live heap per SA KiB (after full GC)"
                    + " | RSS per SA KiB | lost |");
            out.println("|---|---|---|---|---|---|---|---|");
            for (ResponderBench.Result r : results) {
                if (r.error() != null || r.kept() == null) {
                    continue;
                }
                ResponderBench.Kept k = r.kept();
                out.printf(
                        Locale.ROOT,
                        "| %s | %d | %.0f | %.0f | %d | %s | %.2f | %d |%n",
                        r.responder(),
                        k.established(),
                        k.firstPerSecond(),
                        k.lastPerSecond(),
                        k.window(),
                        Double.isNaN(k.heapKibPerSa()) ? "n/a" : String.format(Locale.ROOT, "%.2f", k.heapKibPerSa()),
                        k.rssKibPerSa(),
                        k.lost());
            }
            out.println("Heap and RSS per SA: the difference to the figure taken just before the first kept SA,"
                    + " divided by the SAs kept.");
        }
        out.flush();
    }

    /** Order of the columns: the tokens' share first, then what the host does above it. */
    static final List<String> THREAD_GROUPS =
            List.of("token calls", "SA workers", "UDP I/O", "audit log", "JIT compiler", "GC", "other");

    /** Where each JVM responder's CPU went over the measured SAs, by thread group (ProcStats.threadGroup). */
    private static void threads(List<ResponderBench.Result> results, PrintStream out) {
        List<ResponderBench.Result> jvms = results.stream()
                .filter(r -> r.error() == null && !r.threadCpuMillisPerSa().isEmpty())
                .toList();
        if (jvms.isEmpty()) {
            return;
        }
        out.printf("%n### Where the ikeseal responders' CPU went, ms per SA over the measured SAs, by thread%n%n");
        out.println("| responder | warm-up SAs (JIT share of the last round) | " + String.join(" | ", THREAD_GROUPS)
                + " | all but token calls and JIT |");
        out.println("|---|---|" + "---|".repeat(THREAD_GROUPS.size() + 1));
        for (ResponderBench.Result r : jvms) {
            Map<String, Double> t = r.threadCpuMillisPerSa();
            StringBuilder row = new StringBuilder(String.format(
                    Locale.ROOT,
                    "| %s | %d (%.1f %%) |",
                    r.responder(),
                    r.warmed().sas(),
                    r.warmed().jitShare()));
            double host = 0;
            for (String g : THREAD_GROUPS) {
                double ms = t.getOrDefault(g, 0.0);
                row.append(String.format(Locale.ROOT, " %.2f |", ms));
                if (!g.equals("token calls") && !g.equals("JIT compiler")) {
                    host += ms;
                }
            }
            out.println(row.append(String.format(Locale.ROOT, " %.2f |", host)));
        }
        out.println("token calls: the threads that make PKCS#11 calls (the token's work and SunPKCS11's around it);"
                + " threads that ended during the window are not counted.");
    }

    private static String oneLine(String s) {
        String first = s.lines().findFirst().orElse("");
        return first.length() > 200 ? first.substring(0, 200) + "..." : first;
    }
}
