package io.ikeseal.agent.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.ikeseal.testhsm.ChildJvm;
import io.ikeseal.testhsm.NetNamespace;

/**
 * A JVM of its own on this test's class path, run inside a {@link NetNamespace} ({@code ip netns exec}, which execs
 * java after {@code setns()}: the process is the JVM itself, so SIGTERM reaches its shutdown hooks), its stdout and
 * stderr together in a file, so a test can wait for a line, stop it and read everything it printed. Every wait is
 * bounded; {@link #close()} kills what still runs (the namespace's own close would too).
 */
final class NamespaceProcess implements AutoCloseable {
    private static final long POLL_MILLIS = 50;

    private final String name;
    private final Process process;
    private final Path output;

    private NamespaceProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /** {@code mainClass args} in {@code ns} with {@code environment} added, output to {@code dir/name.out}. */
    static NamespaceProcess java(
            String name,
            NetNamespace ns,
            Class<?> mainClass,
            List<String> args,
            Map<String, String> environment,
            Path dir) {
        List<String> command = ns.wrap(ChildJvm.command(List.of("-Xmx256m"), mainClass.getName(), args));
        Path out = dir.resolve(name + ".out");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .directory(dir.toFile());
        pb.environment().putAll(environment);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new NamespaceProcess(name, p, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " in " + ns, e);
        }
    }

    /** Waits until the output contains {@code part}; fails with the output if the process ends first or on timeout. */
    void await(String part, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(part)) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        name + " exited with " + process.exitValue() + " before printing '" + part + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not print '" + part + "' within " + timeout + ":\n" + output());
            }
            sleep();
        }
    }

    /** Waits for the process to end by itself; returns its exit code, fails with its output after timeout. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " still ran after " + timeout + ":\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name, e);
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits at most timeout for the exit (SIGKILL and a failure after that); returns the exit code. */
    int stop(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything printed so far, stdout and stderr interleaved. */
    String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    String name() {
        return name;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
