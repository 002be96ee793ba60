package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.ikeseal.agent.cli.Main;
import io.ikeseal.testhsm.ChildJvm;

/**
 * {@code ikeseal run} in a JVM of its own, its audit log on a 1 MiB tmpfs this test mounts (as root, as ./check runs
 * in CI): once the disk is full, IKE_SA_INIT requests make the log fail a write; stopped with SIGTERM while it still
 * cannot write, run exits 1 and says why; when space returned before the stop, the log recovered by itself and run
 * exits 0 (issue 9 item 3).
 */
class RunAuditExitTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String BROKEN = "failed writing after seq";
    private static final String RECOVERED = "writable again after";

    private static Path base;
    private static TestDeployment deployment;

    @BeforeAll
    static void deployment() throws Exception {
        base = Files.createTempDirectory("ikeseal-run-audit");
        deployment = TestDeployment.create(Files.createDirectory(base.resolve("tokens")));
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (deployment != null) {
            deployment.close();
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void runStoppedWhileTheAuditLogCannotBeWrittenExits1() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(Files.createDirectory(base.resolve("full")), 1024)) {
            RunProcess run = RunProcess.start(config("full", disk), base.resolve("full-run"));
            try {
                breakTheLog(run, disk);
            } finally {
                run.stop();
            }
            assertEquals(1, run.exit(), run.all());
            assertTrue(run.stderr().contains("ikeseal: stopped while the audit log could not be written"), run.all());
            List<String> out = run.stdoutLines();
            assertTrue(out.getLast().endsWith(" stopped with errors"), run.all());
        }
    }

    @Test
    void runWhoseAuditLogRecoveredBeforeTheStopExits0() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(Files.createDirectory(base.resolve("freed")), 1024)) {
            RunProcess run = RunProcess.start(config("freed", disk), base.resolve("freed-run"));
            try {
                breakTheLog(run, disk);
                disk.free();
                run.awaitStderr(RECOVERED);
            } finally {
                run.stop();
            }
            assertEquals(0, run.exit(), run.all());
            assertTrue(run.stdoutLines().getLast().endsWith(" stopped"), run.all());
        }
    }

    /** Fills the disk, then sends IKE_SA_INIT requests (each a key generation) until run logs the failed write. */
    private static void breakTheLog(RunProcess run, Tmpfs disk) throws Exception {
        run.awaitStdout(" running: ");
        disk.fill();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!run.stderr().contains(BROKEN)) {
            if (System.nanoTime() > deadline) {
                fail("the audit log did not break within " + WAIT + " on a full disk:\n" + run.all());
            }
            try (RawInitiator i = new RawInitiator(new InetSocketAddress(InetAddress.getLoopbackAddress(), run.port))) {
                i.sendInit(i.initPayloads());
                var _ = i.receive(Duration.ofMillis(500));
            }
        }
    }

    /** A gateway on fixed free ports whose per-address limits let one test host send a handful of requests. */
    private static Path config(String name, Tmpfs disk) throws Exception {
        int[] ports = freePorts();
        String rest = ConnectionYaml.gateway()
                .ike("port: " + ports[0])
                .ike("nat-t-port: " + ports[1])
                .ike("source-cookie-threshold: 50")
                .ike("source-half-open-limit: 50")
                .ike("prefix-cookie-threshold: 50")
                .ike("prefix-half-open-limit: 50")
                .yaml();
        Path cfg = deployment.writeConfig(name, disk.dir().resolve("audit.log").toString(), rest);
        return cfg;
    }

    private static int[] freePorts() throws IOException {
        try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    /** {@code ikeseal run} in its own JVM with this JVM's flags and class path; output to files, not pipes. */
    private record RunProcess(Process process, int port, Path outFile, Path errFile) {
        static RunProcess start(Path config, Path files) throws IOException {
            List<String> command =
                    ChildJvm.command(List.of(), Main.class.getName(), List.of("run", "--config", config.toString()));
            Path out = Path.of(files + ".stdout");
            Path err = Path.of(files + ".stderr");
            ProcessBuilder pb =
                    new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(deployment.environment());
            int port = Integer.parseInt(Files.readAllLines(config).stream()
                    .filter(l -> l.strip().startsWith("port: "))
                    .findFirst()
                    .orElseThrow()
                    .strip()
                    .substring("port: ".length()));
            return new RunProcess(pb.start(), port, out, err);
        }

        void awaitStdout(String part) throws Exception {
            await(() -> Files.readString(outFile).contains(part), "'" + part + "' on stdout");
        }

        void awaitStderr(String part) throws Exception {
            await(() -> stderr().contains(part), "'" + part + "' on stderr");
        }

        private void await(Check check, String what) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!check.ok()) {
                assertTrue(
                        process.isAlive(),
                        "run exited " + (process.isAlive() ? "" : process.exitValue()) + ":\n" + all());
                if (System.nanoTime() > deadline) {
                    fail("no " + what + " within " + WAIT + ":\n" + all());
                }
                Thread.sleep(50);
            }
        }

        /** SIGTERM, then a bounded wait for the exit. */
        void stop() throws Exception {
            process.destroy();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("run did not stop on SIGTERM within " + WAIT + ":\n" + all());
            }
        }

        int exit() {
            return process.exitValue();
        }

        String stderr() throws IOException {
            return Files.readString(errFile, StandardCharsets.UTF_8);
        }

        List<String> stdoutLines() throws IOException {
            return Files.readAllLines(outFile, StandardCharsets.UTF_8);
        }

        String all() throws IOException {
            return Files.readString(outFile) + "--- stderr\n" + stderr();
        }
    }

    private interface Check {
        boolean ok() throws Exception;
    }
}
