package io.ikeseal.agent.interop;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.ikeseal.testhsm.FixtureFiles;
import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.SwanctlConf;
import io.ikeseal.testhsm.strongswan.Vici;
import io.ikeseal.testhsm.strongswan.ViciMessage;

/**
 * Responders side by side under the same load, in one run on one machine (issue 12): a strongSwan charon initiator
 * driven through VICI ({@link ViciLoad}) against (a) a charon responder with its key in SoftHSM, (b) {@code ikeseal
 * run} in the sealed tier and (c) in the compat tier, each its own process, all with the same ECDSA P-256 key in
 * the same SoftHSM token and aes256gcm16-prfsha256-ecp256 with a CHILD_SA (aes256gcm16). Per responder: a warm-up,
 * then the measured SAs (deleted as they come up): SAs/s, latency p50/p99 (initiate sent to child-updown), CPU per
 * SA of responder and initiator from /proc, failures; then SAs one at a time (unloaded p50); then, with
 * {@code --keep}, SAs kept: the rate of the first and last window and memory per SA. Before the load, the tokens'
 * ceiling ({@link TokenCeiling}). Run with {@code scripts/bench-responders}; {@code ResponderBenchTest} runs it tiny.
 */
public final class ResponderBench {
    private ResponderBench() {}

    /** Command-line settings; see {@link #usage()}. */
    record Settings(
            int count,
            int warmup,
            int inFlight,
            int unloaded,
            int keep,
            double tokenSeconds,
            List<String> responders,
            Duration attemptTimeout,
            Path profileDir,
            double jitQuietPercent,
            int warmupMax) {
        static Settings defaults() {
            return new Settings(
                    3000,
                    500,
                    8,
                    200,
                    0,
                    2,
                    List.of("charon", "sealed", "compat"),
                    Duration.ofSeconds(30),
                    null,
                    5,
                    20_000);
        }

        static Settings parse(String[] args) {
            Settings d = defaults();
            int count = d.count();
            int warmup = d.warmup();
            int inFlight = d.inFlight();
            int unloaded = d.unloaded();
            int keep = d.keep();
            double tokenSeconds = d.tokenSeconds();
            List<String> responders = d.responders();
            Path profileDir = d.profileDir();
            double jitQuiet = d.jitQuietPercent();
            int warmupMax = d.warmupMax();
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("no value for " + args[i] + "\n" + usage());
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--count" -> count = Integer.parseInt(v);
                    case "--warmup" -> warmup = Integer.parseInt(v);
                    case "--in-flight" -> inFlight = Integer.parseInt(v);
                    case "--unloaded" -> unloaded = Integer.parseInt(v);
                    case "--keep" -> keep = Integer.parseInt(v);
                    case "--token-seconds" -> tokenSeconds = Double.parseDouble(v);
                    case "--responders" -> responders = ResponderKind.names(v);
                    case "--profile" -> profileDir = Path.of(v).toAbsolutePath();
                    case "--jit-quiet" -> jitQuiet = Double.parseDouble(v);
                    case "--warmup-max" -> warmupMax = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + usage());
                }
            }
            return new Settings(
                    count,
                    warmup,
                    inFlight,
                    unloaded,
                    keep,
                    tokenSeconds,
                    responders,
                    d.attemptTimeout(),
                    profileDir,
                    jitQuiet,
                    warmupMax);
        }

        Settings {
            if (count < 1
                    || warmup < 0
                    || inFlight < 1
                    || inFlight > 64
                    || unloaded < 0
                    || keep < 0
                    || !(tokenSeconds > 0 && tokenSeconds <= 60)
                    || !(jitQuietPercent >= 0 && jitQuietPercent <= 100)
                    || warmupMax < warmup
                    || responders.isEmpty()) {
                throw new IllegalArgumentException("a setting is out of range\n" + usage());
            }
            responders = List.copyOf(responders);
        }
    }

    static String usage() {
        return """
                scripts/bench-responders [--count N] [--warmup W] [--in-flight K] [--unloaded U] [--keep M]
                                         [--token-seconds S] [--responders charon,sealed,compat] [--profile DIR]
                                         [--jit-quiet P] [--warmup-max X]
                  N measured SAs per responder (3000), after W warm-up SAs (500), K initiations in flight (8);
                  an ikeseal responder then warms up further in rounds of 500 SAs until its JIT compiler threads
                  used at most P percent of its CPU in the last round (5; 0: no further warm-up), X warm-up SAs at most
                  (20000): a gateway runs for weeks, and its JIT's one-time work is not what an SA costs;
                  U SAs one at a time for the unloaded latency (200, 0: none); M SAs kept at the end (0: none);
                  S seconds per token measurement (2); DIR: a JFR recording (settings=profile) of each ikeseal
                  responder, DIR/ikeseal-TIER.jfr (none).""";
    }

    /** Which responder; names as on the command line. */
    enum ResponderKind {
        CHARON,
        SEALED,
        COMPAT;

        static List<String> names(String csv) {
            List<String> out = new ArrayList<>();
            for (String n : csv.split(",", -1)) {
                out.add(valueOf(n.strip().toUpperCase(Locale.ROOT)).name().toLowerCase(Locale.ROOT));
            }
            return out;
        }
    }

    /** Memory of a responder holding kept SAs. */
    record Kept(
            int established,
            int window,
            double firstPerSecond,
            double lastPerSecond,
            double heapKibPerSa,
            double rssKibPerSa,
            int lost) {}

    /** One responder's figures. */
    record Result(
            String responder,
            ViciLoad.Round loaded,
            double cpuMillisPerSa,
            double initiatorCpuMillisPerSa,
            double unloadedP50,
            Kept kept,
            Map<String, Double> threadCpuMillisPerSa,
            Warmed warmed,
            String error) {}

    /** Warm-up SAs in all, and the JIT compiler threads' share of the responder's CPU in its last round (or NaN). */
    record Warmed(int sas, double jitShare) {}

    /** Load generators per responder: a new charon initiator replaces one that stopped. */
    static final int INITIATOR_ATTEMPTS = 3;

    /** Round of the warm-up past --warmup; smaller only when --warmup-max leaves less. */
    static final int JIT_ROUND = 500;

    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<Result> results = run(s, System.out);
        System.exit(results.stream().allMatch(r -> r.error() == null) ? 0 : 1);
    }

    /** Runs the whole benchmark, printing as it goes and the tables at the end. */
    static List<Result> run(Settings s, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("responder-bench");
        List<Result> results = new ArrayList<>();
        try (BenchTokens t = BenchTokens.create(dir)) {
            header(s, out);
            Map<String, TokenCeiling> ceilings = new java.util.LinkedHashMap<>();
            if (s.responders().contains("sealed") || s.responders().contains("compat")) {
                for (BenchTokens.Tier tier : BenchTokens.Tier.values()) {
                    int[] p = IkesealResponder.freeUdpPorts();
                    ceilings.put(
                            tier.name().toLowerCase(Locale.ROOT),
                            TokenCeiling.measure(t.ikesealConfig(tier, p[0], p[1]), s.tokenSeconds(), List.of()));
                }
            }
            for (String kind : s.responders()) {
                System.err.println("bench-responders: " + kind + " ...");
                results.add(runOne(s, t, dir, ResponderKind.valueOf(kind.toUpperCase(Locale.ROOT))));
            }
            BenchReport.print(s, results, ceilings, out);
        } finally {
            FixtureFiles.deleteTree(dir);
        }
        return results;
    }

    private static void header(Settings s, PrintStream out) {
        out.printf(
                Locale.ROOT,
                """
                bench-responders: one charon initiator (load, driven through VICI: initiate/terminate with timeout -1,
                  events child-updown/ike-updown; reuse_ikesa = no; one connection per slot; unique = never; mobike = no)
                  against each responder in turn, each its own process, all on 127.0.0.1 on this machine.
                  IKE %s, ESP %s, ECDSA P-256 certificates (RFC 7427), the responders' key in one SoftHSM token.
                  %d SAs measured after %d warm-up, %d in flight, each deleted as it comes up (terminate, async);
                  an ikeseal responder warms up further, in rounds of %d SAs, until its JIT used <= %.0f %% of its CPU
                  in a round (%d warm-up SAs at most);
                  unloaded: %d SAs one at a time; kept: %d; a slot's attempt fails after %s; an initiator that
                  brings no SA up for %d such timeouts has stopped, and a new one warms up and measures again.
                  Both charons: %d worker threads, ikesa_table_size 4096, log levels 0 (lib 1), cookie_threshold(_ip)
                  100000, block_threshold 1000000, init_limit_half_open 0, retransmit 2 s x1.8, 3 tries; CHILD_SAs in
                  kernel-libipsec (this kernel has no ESP). ikeseal: `ikeseal run`, data-plane none (CHILD_SAs recorded),
                  audit log on the disk of the temporary directory, JVM flags of this JVM (scripts/env.sh), default heap;
                  admission limits per source and prefix and half-open limit raised to %d (all load is from 127.0.0.1).
                  CPU per SA: utime+stime from /proc/PID/stat over the measured SAs.
                """,
                BenchTokens.PROPOSAL,
                BenchTokens.ESP_PROPOSAL,
                s.count(),
                s.warmup(),
                s.inFlight(),
                JIT_ROUND,
                s.jitQuietPercent(),
                s.warmupMax(),
                s.unloaded(),
                s.keep(),
                s.attemptTimeout(),
                ViciLoad.STALLED,
                BenchResponder.CHARON_THREADS,
                BenchTokens.ADMISSION);
        out.flush();
    }

    private static Result runOne(Settings s, BenchTokens t, Path dir, ResponderKind kind) throws Exception {
        String name = kind.name().toLowerCase(Locale.ROOT);
        BenchResponder r = null;
        try {
            r = startResponder(kind, t, dir, s.profileDir() != null);
            name = r.name();
            for (int attempt = 1; ; attempt++) {
                try {
                    return measure(s, t, dir, r, s.profileDir() == null ? null : profile(s.profileDir(), kind));
                } catch (ViciLoad.InitiatorStalled e) {
                    // charon 5.9.8 (the load) can stop for good (docs/strongswan-peer.md); the responder is fine
                    if (attempt == INITIATOR_ATTEMPTS) {
                        throw e;
                    }
                    progress(e.getMessage() + "; again, with a new charon initiator");
                }
            }
        } catch (Exception | Error e) {
            progress(name + " FAILED: " + e.getMessage());
            return new Result(
                    name,
                    null,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    null,
                    Map.of(),
                    null,
                    String.valueOf(e.getMessage()));
        } finally {
            if (r != null) {
                r.close();
            }
        }
    }

    private static Result measure(Settings s, BenchTokens t, Path dir, BenchResponder r, Path profile)
            throws Exception {
        String name = r.name();
        try (Charon initiator = startInitiator(dir, t, r.ikePort(), s.inFlight());
                Vici vici = initiator.openVici()) {
            ViciLoad load = new ViciLoad(vici, s.inFlight(), s.attemptTimeout());
            try {
                String version = ViciMessage.value(vici.call("version", Map.of(), Duration.ofSeconds(10)), "version");
                progress("initiator strongSwan " + version + ", " + s.warmup() + " SAs warm-up ...");
                if (s.warmup() > 0) {
                    load.run(s.warmup(), s.inFlight(), false, deadline(s.warmup()));
                    load.awaitDeletions(Duration.ofSeconds(30));
                }
                Warmed warmed = r.isJvm() ? untilJitQuiet(s, load, r) : new Warmed(s.warmup(), Double.NaN);
                progress("measuring " + s.count() + " SAs ...");
                double cpu0 = ProcStats.cpuMillis(r.pid());
                double icpu0 = ProcStats.cpuMillis(initiator.pid());
                Map<Long, ProcStats.ThreadCpu> threads0 = r.isJvm() ? ProcStats.threadCpu(r.pid()) : Map.of();
                ViciLoad.Round loaded = load.run(s.count(), s.inFlight(), false, deadline(s.count()));
                double cpu = ProcStats.cpuMillis(r.pid()) - cpu0;
                double icpu = ProcStats.cpuMillis(initiator.pid()) - icpu0;
                int up = Math.max(1, loaded.established());
                Map<String, Double> threads = new java.util.TreeMap<>();
                if (r.isJvm()) {
                    ProcStats.cpuSince(threads0, ProcStats.threadCpu(r.pid()))
                            .forEach((g, ms) -> threads.put(g, ms / up));
                }
                load.awaitDeletions(Duration.ofSeconds(30));
                double unloadedP50 = Double.NaN;
                if (s.unloaded() > 0) {
                    progress(s.unloaded() + " SAs one at a time ...");
                    unloadedP50 = load.run(s.unloaded(), 1, false, deadline(s.unloaded()))
                            .latencyMillis(0.5);
                    load.awaitDeletions(Duration.ofSeconds(30));
                }
                Kept kept = null;
                if (s.keep() > 0) {
                    progress("keeping " + s.keep() + " SAs ...");
                    kept = keep(s, load, r);
                }
                if (profile != null && r.isJvm()) {
                    Files.createDirectories(profile.getParent());
                    ProcStats.dumpFlightRecording(r.pid(), profile);
                }
                // stopped while the initiator still answers, so its Deletes do not wait for retransmissions
                // (closed again by runOne: a no-op)
                r.close();
                return new Result(name, loaded, cpu / up, icpu / up, unloadedP50, kept, threads, warmed, null);
            } finally {
                load.close();
            }
        }
    }

    /**
     * Further warm-up of a JVM responder in rounds, until its JIT compiler threads used at most
     * {@code s.jitQuietPercent()} of its CPU over the last round, or {@code s.warmupMax()} warm-up SAs in all. Under
     * full load C2 keeps compiling for a minute or more (this code base and its libraries are large); a gateway pays
     * that once, so the measured SAs should not.
     */
    private static Warmed untilJitQuiet(Settings s, ViciLoad load, BenchResponder r) throws Exception {
        int done = s.warmup();
        double share = Double.NaN;
        while (s.jitQuietPercent() > 0 && done < s.warmupMax()) {
            int n = Math.min(JIT_ROUND, s.warmupMax() - done);
            Map<Long, ProcStats.ThreadCpu> t0 = ProcStats.threadCpu(r.pid());
            load.run(n, s.inFlight(), false, deadline(n));
            load.awaitDeletions(Duration.ofSeconds(30));
            Map<String, Double> round = ProcStats.cpuSince(t0, ProcStats.threadCpu(r.pid()));
            double all =
                    round.values().stream().mapToDouble(Double::doubleValue).sum();
            double jit = round.getOrDefault(JIT, 0.0);
            share = all > 0 ? 100 * jit / all : 0;
            done += n;
            if (share <= s.jitQuietPercent()) {
                break;
            }
        }
        progress(String.format(Locale.ROOT, "warmed up with %d SAs; JIT share of the last round %.1f %%", done, share));
        return new Warmed(done, share);
    }

    private static final String JIT = "JIT compiler";

    /** Keeps s.keep() SAs up; memory per SA against the figures taken just before the first kept SA. */
    private static Kept keep(Settings s, ViciLoad load, BenchResponder r) throws Exception {
        long heap0 = r.isJvm() ? ProcStats.heapAfterGcKib(r.pid()) : 0;
        long rss0 = ProcStats.rssKib(r.pid());
        ViciLoad.Round round = load.run(s.keep(), s.inFlight(), true, deadline(s.keep()));
        long heap1 = r.isJvm() ? ProcStats.heapAfterGcKib(r.pid()) : 0;
        long rss1 = ProcStats.rssKib(r.pid());
        int n = Math.max(1, round.established());
        int window = Math.max(1, Math.min(5000, round.established() / 2));
        return new Kept(
                round.established(),
                window,
                round.windowPerSecond(0, window),
                round.windowPerSecond(round.established() - window, round.established()),
                r.isJvm() ? (heap1 - heap0) / (double) n : Double.NaN,
                (rss1 - rss0) / (double) n,
                load.lostKept());
    }

    /** Progress goes to stderr, so stdout holds the header and the tables. */
    private static void progress(String what) {
        System.err.println("bench-responders:   " + what);
    }

    private static Duration deadline(int sas) {
        return Duration.ofMillis(60_000 + sas * 100L);
    }

    private static BenchResponder startResponder(ResponderKind kind, BenchTokens t, Path dir, boolean profile)
            throws Exception {
        if (kind == ResponderKind.CHARON) {
            return CharonResponder.start(dir, t);
        }
        BenchTokens.Tier tier = kind == ResponderKind.SEALED ? BenchTokens.Tier.SEALED : BenchTokens.Tier.COMPAT;
        int[] p = IkesealResponder.freeUdpPorts();
        List<String> jvm = List.of();
        if (profile) {
            // every compilation recorded: how much of the responder's CPU goes to the JIT is part of the profile
            jvm = List.of("-XX:StartFlightRecording=settings=profile,jdk.Compilation#threshold=0ms");
        }
        return IkesealResponder.start(t.ikesealConfig(tier, p[0], p[1]), tier, p[0], jvm);
    }

    private static Path profile(Path profileDir, ResponderKind kind) {
        return profileDir.resolve("ikeseal-" + kind.name().toLowerCase(Locale.ROOT) + ".jfr");
    }

    /** The load: slots connections s0..s(K-1) to the responder, identical but for their names. */
    static Charon startInitiator(Path dir, BenchTokens t, int responderPort, int slots) {
        Charon c = BenchResponder.startCharon(
                dir, "load", BenchResponder.charonOptions().withSettings("reuse_ikesa = no"));
        try {
            c.trust(t.ca);
            String cert = c.install(t.initiator);
            SwanctlConf conf = new SwanctlConf();
            for (int i = 0; i < slots; i++) {
                conf.connection(Connection.named(ViciLoad.connection(i))
                        .remotePort(responderPort)
                        .proposals(BenchTokens.PROPOSAL)
                        .unique("never")
                        .set("mobike", "no")
                        .local(Auth.pubkey(BenchTokens.INITIATOR_ID).certs(cert))
                        .remote(Auth.pubkey(BenchTokens.RESPONDER_ID))
                        .child(Child.named(ViciLoad.CHILD).espProposals(BenchTokens.ESP_PROPOSAL)));
            }
            c.load(conf);
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }
}
