package io.ikeseal.testhsm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Runs a token tool with a timeout; failures carry its stderr. PIN arguments are redacted. */
final class Subprocess {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    // own threads: a busy common pool must not leave a child blocked on a full pipe
    private static final Executor DRAIN =
            r -> Thread.ofVirtual().name("subprocess-drain").start(r);

    private Subprocess() {}

    /** Runs cmd with extra environment variables; returns stdout. */
    static String run(List<String> cmd, Map<String, String> env) {
        String shown = redact(cmd);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + shown, e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), DRAIN);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), DRAIN);
        try {
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(shown + " timed out after " + TIMEOUT + "; stderr: "
                        + err.getNow("").strip());
            }
            String stdout = out.get(5, TimeUnit.SECONDS);
            String stderr = err.get(5, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(shown + " failed with exit code " + p.exitValue() + "; stderr: "
                        + stderr.strip() + (stdout.isBlank() ? "" : "; stdout: " + stdout.strip()));
            }
            return stdout;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(shown + " interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read output of " + shown, e);
        }
    }

    static String redact(List<String> cmd) {
        List<String> shown = new ArrayList<>(cmd);
        for (int i = 1; i < shown.size(); i++) {
            if (shown.get(i - 1).toLowerCase(java.util.Locale.ROOT).contains("pin")) {
                shown.set(i, "***");
            }
        }
        return String.join(" ", shown);
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
