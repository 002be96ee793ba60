package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.ikeseal.agent.daemon.IkeDaemon;

/**
 * {@code ikeseal bench sas}: what an established IKE SA with its CHILD_SA costs to keep (issue 10's closing note:
 * retained heap per IKE SA + CHILD_SA with 50,000 SAs). Establishes N SAs between the two daemons of
 * {@link BenchDaemons}, K at a time, and compares the heap left after garbage collection with the baseline taken
 * before (both daemons idle, a few SAs established and deleted to load the classes). Both ends of every SA live in
 * this JVM, so the retained heap is that of a pair. To tell the roles apart the initiator (branch office) then drops
 * its SAs without a Delete, as a crash would: what stays above the baseline is the responder's (gateway's) share, the
 * rest the initiator's. The gateway's Delete requests then go unanswered and it closes its SAs after a few seconds;
 * what stays above the baseline after that is the leak check.
 */
@Command(
        name = "sas",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Establish N IKE SAs with their first CHILD_SA between two ikeseal daemons on loopback, K at a time, on "
                    + "the demo deployment in DIR (ikeseal setup-demo DIR), and report the heap they retain after "
                    + "garbage collection, per SA pair (both ends run in this process) and per IKE SA + CHILD_SA "
                    + "(one end), the live SunPKCS11 session objects, and the classes that grew most.",
            "Then rekey every IKE SA once and then every CHILD_SA once, each at a uniformly random moment within "
                    + "--rekey-window (jitter that spreads the token load), the ends taking turns as initiator, and "
                    + "report the time until all were done, p50/p99 latency, failures, the token time, and the heap "
                    + "and live token objects per SA after them. With --no-rekeys the gateway stays the responder of "
                    + "every SA: the initiator then drops its SAs without Delete and the responder's share is reported.",
            "Then delete every SA and report what is left above the starting baseline (a leak check), once "
                    + "SunPKCS11's cleaner has destroyed the collected keys' token objects. 50000 SAs need about 1 GiB "
                    + "of heap (JAVA_TOOL_OPTIONS=-Xmx... sets it)."
        })
final class BenchSasCommand implements Callable<Integer> {
    /** SunPKCS11's session objects: each holds a token session open while a key object made in it lives. */
    static final String PKCS11_SESSION = "sun.security.pkcs11.Session";

    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final int WARMUP = 20;
    private static final long HISTOGRAM_FLOOR = 16_384;

    private final CliContext ctx;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "A setup-demo directory.")
    Path dir;

    @Option(
            names = "--count",
            defaultValue = "10000",
            paramLabel = "N",
            description = "IKE SAs established and kept (default 10000).")
    int count;

    @Option(
            names = "--in-flight",
            defaultValue = "8",
            paramLabel = "K",
            description = "Handshakes started but not yet established at any time (default 8).")
    int inFlight;

    @Option(
            names = "--classes",
            defaultValue = "12",
            paramLabel = "M",
            description = "Classes listed, those whose retained bytes grew most (default 12; 0: none).")
    int classes;

    @Option(
            names = "--rekey-window",
            defaultValue = "60s",
            converter = DurationConverter.class,
            paramLabel = "W",
            description = "Each rekey starts at a uniformly random moment within W (default 60s).")
    Duration rekeyWindow;

    @Option(names = "--no-rekeys", description = "Skip the rekey phase.")
    boolean noRekeys;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            description = "Write the benchmark's audit records here instead of the gateway's audit log.")
    Path auditLog;

    BenchSasCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** The heap and the class histogram at one point, after garbage collection. */
    record HeapState(long used, Map<String, long[]> histogram) {
        long instances(String className) {
            long[] row = histogram.get(className);
            return row == null ? 0 : row[0];
        }
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 200_000 || inFlight < 1 || inFlight > 1_000 || classes < 0 || classes > 100) {
            throw new UsageException("need 1 <= --count <= 200000, 1 <= --in-flight <= 1000, 0 <= --classes <= 100");
        }
        PrintWriter out = ctx.out();
        try (BenchDaemons pair = BenchDaemons.start(dir, auditLog, inFlight)) {
            pair.establish(WARMUP, inFlight);
            deleteAll(pair);
            awaitDestroys(pair);
            HeapState baseline = afterCleaner(0); // the warm-up SAs' token objects gone too
            Map<String, Long> baselineObjects = pair.branch().liveTokenObjects();
            long t0 = System.nanoTime();
            // only the rates are kept: the samples would count as retained heap below
            String windows = windows(pair.establish(count, inFlight), t0);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // The handshakes' ephemeral keys wait for SunPKCS11's cleaner: state of no SA, so not counted.
            HeapState established = afterCleaner(baseline.instances(PKCS11_SESSION) + 2L * count);
            Map<String, Long> objectsUp = pair.branch().liveTokenObjects();
            out.printf(
                    "bench sas: %d IKE SA + CHILD_SA ikeseal <-> ikeseal on %s, %d in flight; both ends in this JVM%n",
                    count, pair.connection().localAddress().getHostAddress(), inFlight);
            out.printf("  established in %.1f s (%.1f SAs/s)%n", seconds, count / seconds);
            out.print(windows);
            double perPair = (established.used() - baseline.used()) / (double) count;
            out.printf(
                    "  heap used after GC: baseline %s, with the SAs %s%n",
                    mib(baseline.used()), mib(established.used()));
            out.printf(
                    "  retained per SA pair (both ends): %.0f B; per IKE SA + CHILD_SA (one end): %.0f B = %.2f KiB%n",
                    perPair, perPair / 2, perPair / 2 / 1024);
            out.printf(
                    "  live token object handles per IKE SA + CHILD_SA (one end): %s%n",
                    perSa(baselineObjects, objectsUp));
            out.flush();
            printLargest(out, "classes that grew most, per IKE SA + CHILD_SA (one end)", baseline, established, 2.0);
            HeapState up = established;
            if (noRekeys) {
                byRole(out, pair, baseline, perPair);
            } else {
                up = rekeyPhase(out, pair, baseline, baselineObjects);
                deleteAll(pair);
            }
            long drainMillis = awaitDestroys(pair);
            HeapState after = afterCleaner(baseline.instances(PKCS11_SESSION));
            out.printf(
                    "  token objects of the deleted SAs destroyed %d ms after the last delete (%d still queued)%n",
                    drainMillis, pair.branch().pendingTokenDestroys());
            out.printf(
                    "  live PKCS#11 session objects (%s): %d at baseline, %d with the SAs, %d after deleting%n",
                    PKCS11_SESSION,
                    baseline.instances(PKCS11_SESSION),
                    up.instances(PKCS11_SESSION),
                    after.instances(PKCS11_SESSION));
            out.printf(
                    "  left above baseline after deleting all SAs: %s (%.0f B per SA pair); token object handles %s%n",
                    mib(after.used() - baseline.used()),
                    (after.used() - baseline.used()) / (double) count,
                    pair.branch().liveTokenObjects());
            printLargest(out, "classes left above baseline after deleting, per SA pair", baseline, after, 1.0);
        }
        return ExitCode.OK;
    }

    /**
     * With all SAs established and measured, before they are deleted: every IKE SA rekeyed once, then every CHILD_SA,
     * within the window; the heap and token objects once every old SA is gone. The leak check after it covers them.
     */
    private HeapState rekeyPhase(PrintWriter out, BenchDaemons pair, HeapState baseline, Map<String, Long> objects0)
            throws Exception {
        BenchRekeys rekeys = new BenchRekeys(pair, rekeyWindow);
        out.printf(
                "  rekeys, each at a uniformly random moment within %d s, the ends taking turns as initiator:%n",
                rekeyWindow.toSeconds());
        out.flush();
        print(out, rekeys.ikeSas());
        settled(out, pair);
        print(out, rekeys.childSas());
        settled(out, pair);
        HeapState h = afterCleaner(0);
        double perPair = (h.used() - baseline.used()) / (double) count;
        out.printf(
                "  after the rekeys: heap used after GC %s; per IKE SA + CHILD_SA (one end): %.0f B = %.2f KiB;"
                        + " live token object handles per IKE SA + CHILD_SA (one end): %s%n",
                mib(h.used()),
                perPair / 2,
                perPair / 2 / 1024,
                perSa(objects0, pair.branch().liveTokenObjects()));
        return h;
    }

    /**
     * The rate of the first and of the last {@value #RATE_WINDOW} SAs (half of them when fewer), as a line: flat
     * means that holding more SAs does not slow the handshakes down.
     */
    private static String windows(List<BenchDaemons.Sample> up, long t0) {
        long[] done =
                up.stream().mapToLong(BenchDaemons.Sample::doneAt).sorted().toArray();
        int w = Math.min(RATE_WINDOW, done.length / 2);
        if (w < 1) {
            return "";
        }
        double first = w / ((done[w - 1] - t0) / 1e9);
        double last = w / ((done[done.length - 1] - done[done.length - w - 1]) / 1e9);
        return String.format(
                Locale.ROOT,
                "  rate of the first %d SAs %.1f/s, of the last %d %.1f/s (last/first %.2f)%n",
                w,
                first,
                w,
                last,
                last / first);
    }

    static final int RATE_WINDOW = 5_000;

    private static void print(PrintWriter out, BenchRekeys.Phase p) {
        long[] l = p.latencies();
        out.printf(
                "    %d %s: all done after %.1f s (%.1f/s); latency p50 %.1f ms, p99 %.1f ms; %d failed%s;"
                        + " token time %.1f s (%.2f ms per rekey, both ends)%n",
                p.count(),
                p.what(),
                p.allDoneSeconds(),
                p.count() / p.allDoneSeconds(),
                l.length == 0 ? 0 : BenchHandshakeCommand.percentile(l, 0.5) / 1e6,
                l.length == 0 ? 0 : BenchHandshakeCommand.percentile(l, 0.99) / 1e6,
                p.failures(),
                p.failuresByReason() == null ? "" : " " + p.failuresByReason(),
                p.tokenMicros() / 1e6,
                p.tokenMicros() / 1e3 / Math.max(1, p.count()));
        out.flush();
    }

    /**
     * Waits until neither daemon holds an SPI beyond its live IKE SAs: the old SAs of a rekey phase are closed and
     * their SPIs released (bounded by the closed-SA linger and 60 s). Reports SAs lost on the way: a rekey that
     * failed ends its SA at that end, without a Delete the peer would hear of.
     */
    private void settled(PrintWriter out, BenchDaemons pair) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + count / 100);
        IkeDaemon[] ends = {pair.branch(), pair.gateway()};
        while (Arrays.stream(ends)
                .anyMatch(d -> d.gateway().liveSas() != d.gateway().registeredSpis())) {
            if (System.nanoTime() > deadline) {
                out.printf(
                        "    (SPIs still registered: branch office %d for %d IKE SAs, gateway %d for %d)%n",
                        pair.branch().gateway().registeredSpis(),
                        pair.branch().gateway().liveSas(),
                        pair.gateway().gateway().registeredSpis(),
                        pair.gateway().gateway().liveSas());
                break;
            }
            Thread.sleep(50);
        }
        int br = pair.branch().gateway().liveSas();
        int gw = pair.gateway().gateway().liveSas();
        if (br != count || gw != count) {
            out.printf("    (IKE SAs left of %d: branch office %d, gateway %d)%n", count, br, gw);
        }
    }

    /** Per token, the handles above {@code from} per IKE SA + CHILD_SA of one end (both ends share the tokens). */
    private String perSa(Map<String, Long> from, Map<String, Long> to) {
        StringBuilder b = new StringBuilder();
        for (var e : new java.util.TreeMap<>(to).entrySet()) {
            long d = e.getValue() - from.getOrDefault(e.getKey(), 0L);
            b.append(b.isEmpty() ? "" : ", ")
                    .append(String.format(java.util.Locale.ROOT, "%s %.3f", e.getKey(), d / 2.0 / count));
        }
        return b.toString();
    }

    /** Deletes every SA from the branch office's end and waits until neither daemon keeps one. */
    private void deleteAll(BenchDaemons pair) throws InterruptedException {
        pair.branch().gateway().deleteAll("bench done", bound());
        // what the gateway still has: SAs a failed rekey ended at the branch office's end only
        pair.gateway().gateway().deleteAll("bench done", Duration.ofSeconds(10));
        awaitGone(pair.branch());
        awaitGone(pair.gateway());
    }

    /**
     * The responder's share (--no-rekeys, so the gateway answered every SA): the initiator forgets its SAs as a
     * crash would (no Delete), and what is left above the baseline is the responder's; then the responder deletes
     * its own, unanswered, and closes them once the Deletes were sent for a while.
     */
    private void byRole(PrintWriter out, BenchDaemons pair, HeapState baseline, double perPair) throws Exception {
        pair.branch().gateway().dropAll("bench: the initiator's share measured");
        awaitGone(pair.branch());
        HeapState responderOnly = afterCleaner(baseline.instances(PKCS11_SESSION) + count);
        double responder = (responderOnly.used() - baseline.used()) / (double) count;
        out.printf(
                "  per IKE SA + CHILD_SA by role: responder %.0f B = %.2f KiB, initiator %.0f B = %.2f KiB%n",
                responder, responder / 1024, perPair - responder, (perPair - responder) / 1024);
        printLargest(out, "classes that grew most, per responder IKE SA + CHILD_SA", baseline, responderOnly, 1.0);
        pair.gateway().gateway().deleteAll("bench done", Duration.ofSeconds(5));
        awaitGone(pair.gateway());
    }

    private Duration bound() {
        return Duration.ofSeconds(60 + count / 100);
    }

    /** Waits until {@code d} keeps no SA, bounded. */
    private void awaitGone(IkeDaemon d) throws InterruptedException {
        long deadline = System.nanoTime() + bound().toNanos();
        while (!gone(d)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("SAs left after " + bound().toSeconds() + " s: "
                        + d.gateway().liveSas() + " live, " + d.gateway().registeredSpis() + " SPIs");
            }
            Thread.sleep(50);
        }
    }

    /** No SA left, not even one lingering for a retransmitted last request (ExchangeSettings.closedLinger). */
    private static boolean gone(IkeDaemon d) {
        return d.gateway().liveSas() == 0 && d.gateway().registeredSpis() == 0;
    }

    /** Waits (at most 60 s) until the queued destroys of direct-binding objects ran; how long it took. */
    private static long awaitDestroys(BenchDaemons pair) throws InterruptedException {
        long t0 = System.nanoTime();
        while (pair.branch().pendingTokenDestroys() > 0 && System.nanoTime() - t0 < 60_000_000_000L) {
            Thread.sleep(10);
        }
        return (System.nanoTime() - t0) / 1_000_000L;
    }

    /**
     * The heap once SunPKCS11 has let go of the deleted SAs' token objects: it destroys a key's object (and closes
     * its session once empty) only when its cleaner thread finds the collected key, every 2 s while it finds any.
     * Bounded: at most 8 rounds while the session objects keep falling and are above {@code baselineSessions}.
     */
    private static HeapState afterCleaner(long baselineSessions) throws Exception {
        HeapState h = settle();
        for (int i = 0; i < 8 && h.instances(PKCS11_SESSION) > baselineSessions; i++) {
            Thread.sleep(2500);
            HeapState next = settle();
            boolean falling = next.instances(PKCS11_SESSION) < h.instances(PKCS11_SESSION);
            h = next;
            if (!falling) {
                break;
            }
        }
        return h;
    }

    /** GC until the used heap stops falling (at most 10 rounds), then the class histogram (another full GC). */
    static HeapState settle() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used - used / 1000) {
                used = Math.min(used, now);
                break;
            }
            used = now;
        }
        return new HeapState(used, histogram());
    }

    /**
     * {@code jcmd PID GC.class_histogram} of this JVM: per class name, instances and bytes, of the classes with at
     * least {@link #HISTOGRAM_FLOOR} bytes (and always SunPKCS11's sessions). Kept small because the bench holds the
     * earlier histograms while it measures the heap again: all 3,000-odd rows would show up as retained.
     */
    static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        Map<String, long[]> rows = new HashMap<>();
        for (String line : text.split("\n", -1)) {
            Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.find()
                    && (Long.parseLong(m.group(2)) >= HISTOGRAM_FLOOR
                            || m.group(3).equals(PKCS11_SESSION))) {
                rows.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))}, (a, b) ->
                        new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return rows;
    }

    /** The classes whose bytes grew most from {@code from} to {@code to}, per {@code perSa} times the count. */
    private void printLargest(PrintWriter out, String title, HeapState from, HeapState to, double perSa) {
        if (classes == 0) {
            return;
        }
        record Growth(String name, long instances, long bytes) {}
        List<Growth> grown = to.histogram().entrySet().stream()
                .map(e -> {
                    long[] before = from.histogram().getOrDefault(e.getKey(), new long[2]);
                    return new Growth(e.getKey(), e.getValue()[0] - before[0], e.getValue()[1] - before[1]);
                })
                .sorted(Comparator.comparingLong(Growth::bytes).reversed())
                .limit(classes)
                .toList();
        double ends = perSa * count;
        out.printf("  %s:%n", title);
        out.printf("  %10s %11s  %s%n", "bytes", "instances", "class");
        for (Growth g : grown) {
            out.printf("  %10.1f %11.2f  %s%n", g.bytes() / ends, g.instances() / ends, g.name());
        }
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
