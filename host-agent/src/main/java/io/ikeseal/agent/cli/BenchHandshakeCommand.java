package io.ikeseal.agent.cli;

import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.ikeseal.agent.cli.BenchDaemons.Sample;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@code ikeseal bench handshake}: whole IKE SAs (IKE_SA_INIT and IKE_AUTH with the first CHILD_SA, RFC 7296 §1.2)
 * between the two daemons of {@link BenchDaemons}. Reports the time to establish as the initiator sees it and the token time inside
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

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 100_000 || inFlight < 1 || inFlight > 1_000 || warmup < 0 || warmup > 100_000) {
            throw new UsageException("need 1 <= --count <= 100000, 1 <= --in-flight <= 1000, 0 <= --warmup <= 100000");
        }
        try (BenchDaemons pair = BenchDaemons.start(dir, auditLog, inFlight)) {
            IkeSaInfo first = pair.establishOne();
            pair.establish(warmup, inFlight);
            long t0 = System.nanoTime();
            List<Sample> samples = pair.establish(count, inFlight);
            double seconds = (System.nanoTime() - t0) / 1e9;
            print(first, pair.connection(), samples, seconds);
        }
        return ExitCode.OK;
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
}
