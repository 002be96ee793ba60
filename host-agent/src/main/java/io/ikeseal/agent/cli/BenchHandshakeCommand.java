package io.ikeseal.agent.cli;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.agent.config.AuditConfig;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@code ikeseal bench handshake}: whole IKE SAs (IKE_SA_INIT and IKE_AUTH with the first CHILD_SA, RFC 7296 §1.2)
 * between two ikeseal daemons in this process on loopback, on the deployment {@code setup-demo} writes: the gateway
 * of DIR/ikeseal.yaml answers, the branch office of DIR/branch.yaml initiates, both on one {@link TokenSet} (so on
 * the same tokens, and every token call of both ends goes to the gateway's audit log). Both daemons bind free ports
 * instead of the configured ones. Reports the time to establish as the initiator sees it and the token time inside
 * it, median and 99th percentile, and the throughput with K handshakes in flight.
 */
@Command(
        name = "handshake",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Establish N IKE SAs with their first CHILD_SA between two ikeseal daemons on loopback, K at a "
                    + "time, on the demo deployment in DIR (ikeseal setup-demo DIR): the gateway of DIR/ikeseal.yaml "
                    + "responds, the branch office of DIR/branch.yaml initiates its first connection with a remote address.",
            "Both daemons run in this process on one set of open tokens, on free ports; CHILD_SAs are installed "
                    + "nowhere. Prints median and p99 time to establish (as the initiator sees it) and the token time "
                    + "inside it (IkeSaInfo.tokenMicros: both ends' token calls, as they share the tokens), and the "
                    + "handshakes per second. SAs stay up until the end, then are deleted."
        })
final class BenchHandshakeCommand implements java.util.concurrent.Callable<Integer> {
    static final String GATEWAY_YAML = "ikeseal.yaml";
    static final String BRANCH_YAML = "branch.yaml";

    private final CliContext ctx;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "A setup-demo directory.")
    Path dir;

    @Option(
            names = "--count",
            defaultValue = "200",
            paramLabel = "N",
            description = "Handshakes measured (default 200).")
    int count;

    @Option(
            names = "--in-flight",
            defaultValue = "4",
            paramLabel = "K",
            description = "Handshakes started but not yet established at any time (default 4).")
    int inFlight;

    @Option(
            names = "--warmup",
            defaultValue = "100",
            paramLabel = "W",
            description = "Handshakes run first and not counted, to warm up the JIT and the tokens (default 100).")
    int warmup;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            description = "Write the benchmark's audit records here instead of the gateway's audit log.")
    Path auditLog;

    BenchHandshakeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The gateway's settings with its per-address and per-prefix admission limits opened to the global one: here one
     * host runs K handshakes at once on purpose, and limits meant for the internet would measure themselves instead
     * of the tokens. Cookies past the global threshold still apply (RFC 7296 §2.6).
     */
    private ExchangeSettings oneHost(IkesealConfig gw) {
        ExchangeSettings ex = gw.ike().exchange();
        AdmissionSettings a = ex.admission();
        int all = Math.max(a.halfOpenLimit(), inFlight + 1);
        return ex.withAdmission(new AdmissionSettings(all, all, all, all, all, a.refusalsPerSource(), a.refusals()));
    }

    /** One established handshake: wall time from initiate to established, and its token time. */
    private record Sample(long nanos, long tokenMicros) {}

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 100_000 || inFlight < 1 || inFlight > 1_000 || warmup < 0 || warmup > 100_000) {
            throw new UsageException("need 1 <= --count <= 100000, 1 <= --in-flight <= 1000, 0 <= --warmup <= 100000");
        }
        Path gwFile = dir.resolve(GATEWAY_YAML);
        Path brFile = dir.resolve(BRANCH_YAML);
        for (Path f : List.of(gwFile, brFile)) {
            if (!Files.isRegularFile(f)) {
                throw new UsageException(f + " not found: --dir must be a directory made by ikeseal setup-demo");
            }
        }
        IkesealConfig gwConfig = IkesealConfig.load(gwFile);
        if (auditLog != null) {
            gwConfig = gwConfig.withAudit(new AuditConfig(auditLog.toAbsolutePath()));
        }
        IkesealConfig brConfig = IkesealConfig.load(brFile);
        ConnectionConfig conn = brConfig.connections().stream()
                .filter(c -> c.remote() != null)
                .findFirst()
                .orElseThrow(
                        () -> new UsageException(brFile + " has no connection with a remote-address to " + "initiate"));
        Level before = quiet();
        try (TokenSet tokens = new TokenSet(gwConfig)) {
            IkeDaemon.Options options =
                    IkeDaemon.Options.defaults().withPorts(0, 0).withInstaller(NOWHERE);
            try (IkeDaemon gateway = IkeDaemon.start(gwConfig, tokens, options.withSettings(oneHost(gwConfig)));
                    IkeDaemon branch = IkeDaemon.start(toPort(brConfig, conn, gateway.ikePort()), tokens, options)) {
                IkeSaInfo first = branch.initiate(conn.name()).get(30, TimeUnit.SECONDS);
                run(branch, conn.name(), warmup);
                long t0 = System.nanoTime();
                List<Sample> samples = run(branch, conn.name(), count);
                double seconds = (System.nanoTime() - t0) / 1e9;
                print(first, conn, samples, seconds);
            }
        } finally {
            restore(before);
        }
        return ExitCode.OK;
    }

    /** Runs {@code n} handshakes, {@code inFlight} at a time; fails with the first failure's message. */
    private List<Sample> run(IkeDaemon branch, String connection, int n) throws Exception {
        Queue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger started = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(n);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started.getAndIncrement() >= n) {
                return;
            }
            long t = System.nanoTime();
            var _ = branch.initiate(connection).whenComplete((sa, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, Main.message(e.getCause() != null ? e.getCause() : e));
                } else {
                    samples.add(new Sample(System.nanoTime() - t, sa.tokenMicros()));
                }
                done.countDown();
                next[0].run();
            });
        };
        for (int i = 0; i < Math.min(inFlight, n); i++) {
            next[0].run();
        }
        // Bounded: an initiator gives up on an unanswered exchange after its retransmissions (well under a minute).
        if (!done.await(60 + n / 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(
                    "handshakes did not finish in time (" + done.getCount() + " of " + n + " open)");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a handshake failed: " + failure.get());
        }
        return new ArrayList<>(samples);
    }

    private void print(IkeSaInfo first, ConnectionConfig conn, List<Sample> samples, double seconds) {
        long[] establish = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
        long[] token =
                samples.stream().mapToLong(s -> s.tokenMicros() * 1000).sorted().toArray();
        var out = ctx.out();
        out.printf(
                "bench handshake: %d IKE SA + CHILD_SA handshakes ikeseal <-> ikeseal on %s, %d in flight, "
                        + "after %d warm-up%n",
                samples.size(), conn.localAddress().getHostAddress(), inFlight, warmup);
        out.printf(
                "  connection %s: %s%n    initiator: %s%n    responder: %s%n",
                conn.name(), first.suite().describe(), first.localAuth(), first.remoteAuth());
        out.printf("  %-32s %10s %10s%n", "", "median ms", "p99 ms");
        out.printf(
                "  %-32s %10.2f %10.2f%n",
                "time to establish", percentile(establish, 0.5) / 1e6, percentile(establish, 0.99) / 1e6);
        out.printf(
                "  %-32s %10.2f %10.2f%n",
                "token time inside (both ends)", percentile(token, 0.5) / 1e6, percentile(token, 0.99) / 1e6);
        out.printf(
                "  throughput %.1f handshakes/s (%d in %.3f s)%n", samples.size() / seconds, samples.size(), seconds);
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** The branch configuration with {@code conn} aimed at the gateway's actual IKE port. */
    private static IkesealConfig toPort(IkesealConfig c, ConnectionConfig conn, int port) {
        ConnectionConfig moved = new ConnectionConfig(
                conn.name(),
                conn.localAddress(),
                new InetSocketAddress(conn.remote().getAddress(), port),
                conn.localId(),
                conn.remoteId(),
                conn.localAuth(),
                conn.remoteAuth(),
                conn.identity(),
                conn.psk(),
                conn.proposals(),
                conn.lifetimes(),
                conn.liveness(),
                conn.initiate(),
                conn.children());
        List<ConnectionConfig> connections = c.connections().stream()
                .map(x -> x.name().equals(conn.name()) ? moved : x)
                .toList();
        return new IkesealConfig(
                c.file(), c.audit(), c.tokens(), c.identities(), c.psks(), c.listen(), c.ike(), c.trust(), connections);
    }

    /** A line per SA at INFO would be most of the output and part of the time: WARN unless --debug. */
    private static Level quiet() {
        Logger agent = (Logger) LoggerFactory.getLogger("io.ikeseal.agent");
        Level before = agent.getLevel();
        if (!((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).isDebugEnabled()) {
            agent.setLevel(Level.WARN);
        }
        return before;
    }

    private static void restore(Level before) {
        ((Logger) LoggerFactory.getLogger("io.ikeseal.agent")).setLevel(before);
    }

    /** No data plane: the bench measures the handshake, not an installer. */
    private static final ChildSaInstaller NOWHERE = new ChildSaInstaller() {
        @Override
        public void install(ChildSaRecord sa, ChildSaKeys keys) {}

        @Override
        public void remove(ChildSaRecord sa) {}

        @Override
        public String toString() {
            return "nowhere";
        }
    };
}
