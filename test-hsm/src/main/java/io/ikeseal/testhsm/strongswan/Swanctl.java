package io.ikeseal.testhsm.strongswan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.ikeseal.testhsm.DebianTools;

/**
 * Runs {@code swanctl COMMAND ARGS --uri unix://...} against one charon. The URI must follow the
 * command: swanctl parses options per command.
 */
final class Swanctl {
    private static final Executor DRAIN =
            r -> Thread.ofVirtual().name("swanctl-drain").start(r);

    private final Path binary;
    private final String uri;
    private final Path strongswanConf;

    Swanctl(String uri, Path strongswanConf) {
        this.binary = DebianTools.swanctl();
        this.uri = uri;
        this.strongswanConf = strongswanConf;
    }

    /** Runs swanctl and waits at most timeout; a swanctl still running then is killed and reported. */
    SwanctlResult run(Duration timeout, String command, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary.toString());
        cmd.add(command);
        cmd.addAll(List.of(args));
        cmd.add("--uri");
        cmd.add(uri);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // swanctl reads strongswan.conf too; ours keeps it off the system's /etc/strongswan.d
        pb.environment().put("STRONGSWAN_CONF", strongswanConf.toString());
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", cmd), e);
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()), DRAIN);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), DRAIN);
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish within " + timeout
                        + "; output so far:\n" + out.getNow("") + err.getNow(""));
            }
            return new SwanctlResult(cmd, p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(String.join(" ", cmd) + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read the output of " + String.join(" ", cmd), e);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
