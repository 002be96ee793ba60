package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
            "Then the initiator drops its SAs without Delete (what is left is the responder's share, reported "
                    + "per role), the responder deletes its own unanswered, and what is left above the starting "
                    + "baseline is reported (a leak check), once "
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
            HeapState baseline = afterCleaner(0); // the warm-up SAs' token objects gone too
            long t0 = System.nanoTime();
            pair.establish(count, inFlight);
            double seconds = (System.nanoTime() - t0) / 1e9;
            // The handshakes' ephemeral keys wait for SunPKCS11's cleaner: state of no SA, so not counted.
            HeapState established = afterCleaner(baseline.instances(PKCS11_SESSION) + 2L * count);
            withSasUp(pair);
            // Per role: the initiator forgets its SAs as a crash would (no Delete), and what is left above the
            // baseline is the responder's share.
            pair.branch().gateway().dropAll("bench: the initiator's share measured");
            awaitGone(pair.branch());
            HeapState responderOnly = afterCleaner(baseline.instances(PKCS11_SESSION) + count);
            // The responder's Delete requests go unanswered: it closes its SAs once they were sent for a while.
            pair.gateway().gateway().deleteAll("bench done", Duration.ofSeconds(5));
            awaitGone(pair.gateway());
            HeapState after = afterCleaner(baseline.instances(PKCS11_SESSION));
            out.printf(
                    "bench sas: %d IKE SA + CHILD_SA ikeseal <-> ikeseal on %s, %d in flight; both ends in this JVM%n",
                    count, pair.connection().localAddress().getHostAddress(), inFlight);
            out.printf("  established in %.1f s (%.1f SAs/s)%n", seconds, count / seconds);
            out.printf(
                    "  heap used after GC: baseline %s, with the SAs %s, after deleting them %s%n",
                    mib(baseline.used()), mib(established.used()), mib(after.used()));
            double perPair = (established.used() - baseline.used()) / (double) count;
            double responder = (responderOnly.used() - baseline.used()) / (double) count;
            out.printf(
                    "  retained per SA pair (both ends): %.0f B; per IKE SA + CHILD_SA (one end): %.0f B = %.2f KiB%n",
                    perPair, perPair / 2, perPair / 2 / 1024);
            out.printf(
                    "  per IKE SA + CHILD_SA by role: responder %.0f B = %.2f KiB, initiator %.0f B = %.2f KiB%n",
                    responder, responder / 1024, perPair - responder, (perPair - responder) / 1024);
            out.printf(
                    "  live PKCS#11 session objects (%s): %d at baseline, %d with the SAs, %d after deleting%n",
                    PKCS11_SESSION,
                    baseline.instances(PKCS11_SESSION),
                    established.instances(PKCS11_SESSION),
                    after.instances(PKCS11_SESSION));
            out.printf(
                    "  left above baseline after deleting all SAs: %s (%.0f B per SA pair)%n",
                    mib(after.used() - baseline.used()), (after.used() - baseline.used()) / (double) count);
            printLargest(out, "classes that grew most, per IKE SA + CHILD_SA (one end)", baseline, established, 2.0);
            printLargest(out, "classes that grew most, per responder IKE SA + CHILD_SA", baseline, responderOnly, 1.0);
            printLargest(out, "classes left above baseline after deleting, per SA pair", baseline, after, 1.0);
        }
        return ExitCode.OK;
    }

    /**
     * With all SAs established and measured, before they are deleted: the place for further phases on the same SAs
     * (rekeying them all, counting the tokens' objects) whose effect the leak check then covers.
     */
    @SuppressWarnings("UnusedVariable") // the daemons are what those phases will work on
    private void withSasUp(BenchDaemons pair) {
        // nothing yet
    }

    /** Deletes every SA from the branch office's end and waits until neither daemon keeps one. */
    private void deleteAll(BenchDaemons pair) throws InterruptedException {
        pair.branch().gateway().deleteAll("bench done", bound());
        awaitGone(pair.branch());
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
