package io.ikeseal.agent.interop;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.cli.Main;
import io.ikeseal.testhsm.ChildJvm;

/**
 * {@code ikeseal run} as a process of its own (the same JVM flags as this one's, this class path), responding on
 * two free loopback ports with the configuration {@link BenchTokens#ikesealConfig} writes. Ready once it prints
 * {@code running:}; stopped with SIGTERM (it deletes its SAs and closes tokens and audit log), killed if that takes
 * longer than {@link #STOP_WAIT}.
 */
final class IkesealResponder implements BenchResponder {
    static final Duration START_WAIT = Duration.ofSeconds(60);
    static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // a bench ended by ^C or a failure leaves no responder running
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "ikeseal-responder-killer"));
    }

    private final String name;
    private final Process process;
    private final int ikePort;

    private IkesealResponder(String name, Process process, int ikePort) {
        this.name = name;
        this.process = process;
        this.ikePort = ikePort;
    }

    /** Starts {@code ikeseal run --config config}; its IKE port is the one the configuration names. */
    static IkesealResponder start(Path config, BenchTokens.Tier tier, int ikePort, List<String> jvmOptions)
            throws Exception {
        String tag = tier.name().toLowerCase(java.util.Locale.ROOT);
        Path out = config.resolveSibling("ikeseal-" + tag + ".stdout");
        Path err = config.resolveSibling("ikeseal-" + tag + ".stderr");
        List<String> command =
                ChildJvm.command(jvmOptions, Main.class.getName(), List.of("run", "--config", config.toString()));
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        LIVE.add(p);
        IkesealResponder r = new IkesealResponder(
                tier == BenchTokens.Tier.SEALED
                        ? "ikeseal sealed (SoftHSM signs; NSS: DH + key schedule)"
                        : "ikeseal compat (SoftHSM signs and does DH)",
                p,
                ikePort);
        try {
            awaitRunning(p, out, err);
            return r;
        } catch (Exception | Error e) {
            r.close();
            throw e;
        }
    }

    private static void awaitRunning(Process p, Path out, Path err) throws Exception {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(out)
                    && Files.readString(out, StandardCharsets.UTF_8).contains("running:")) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(
                (p.isAlive() ? "ikeseal run not ready within " + START_WAIT : "ikeseal run exited " + p.exitValue())
                        + "\n--- stdout\n" + tail(out) + "--- stderr\n" + tail(err));
    }

    private static String tail(Path f) throws IOException {
        if (!Files.exists(f)) {
            return "";
        }
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())) + "\n";
    }

    /** Two free UDP ports on loopback, for IKE and NAT-T. */
    static int[] freeUdpPorts() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(lo, 0));
                DatagramSocket b = new DatagramSocket(new InetSocketAddress(lo, 0))) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public int ikePort() {
        return ikePort;
    }

    @Override
    public boolean isJvm() {
        return true;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }
}
