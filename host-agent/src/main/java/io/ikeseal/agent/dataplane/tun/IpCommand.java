package io.ikeseal.agent.dataplane.tun;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs iproute2's {@code ip} with a timeout; a non-zero exit becomes an IOException with the exit code and stderr.
 * Setting a link's MTU, its addresses and routes happen once per device or SA, never per packet, so a process per
 * change is cheap enough and keeps netlink out of this code.
 */
@FunctionalInterface
interface IpCommand {
    /** How long one {@code ip} invocation may take. */
    long TIMEOUT_MILLIS = 10_000;

    /** Runs {@code ip} with {@code args}; returns its stdout. */
    String run(List<String> args) throws IOException;

    /** The real {@code ip} from iproute2 (Debian puts it in /usr/sbin, older systems in /sbin or /bin). */
    static IpCommand system() {
        Path ip =
                List.of(Path.of("/usr/sbin/ip"), Path.of("/sbin/ip"), Path.of("/usr/bin/ip"), Path.of("/bin/ip"))
                        .stream()
                        .filter(Files::isExecutable)
                        .findFirst()
                        .orElse(null);
        return args -> {
            if (ip == null) {
                throw new IOException("iproute2's ip is not installed (Debian package iproute2)");
            }
            return runProcess(ip, args);
        };
    }

    private static String runProcess(Path ip, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ip.toString());
        command.addAll(args);
        String shown = String.join(" ", command);
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(shown + " timed out after " + TIMEOUT_MILLIS + " ms");
            }
            String stdout = out.get(2, TimeUnit.SECONDS);
            String stderr = err.get(2, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw new IOException(shown + " failed with exit code " + p.exitValue() + ": " + stderr.strip());
            }
            return stdout;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(shown + " interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot read the output of " + shown, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> result = new CompletableFuture<>();
        // A thread of its own per stream: a child blocked on a full pipe would otherwise never exit.
        Thread.ofVirtual().name("ip-drain").start(() -> {
            try (in) {
                result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                result.complete("(unreadable: " + e.getMessage() + ")");
            }
        });
        return result;
    }
}
