package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs a test mounts, fills up and frees, for a real full disk under an audit log. Mounting needs root, which
 * ./check has (CI runs it on this machine as root); a mount that fails fails the test with the command's output, so a
 * test on a full disk is never silently skipped. {@link #close} unmounts.
 */
final class Tmpfs implements AutoCloseable {
    private static final int CHUNK = 4096;

    private final Path dir;
    private final int kib;

    private Tmpfs(Path dir, int kib) {
        this.dir = dir;
        this.kib = kib;
    }

    /** Mounts a tmpfs of {@code kib} KiB on the empty directory {@code dir}. */
    static Tmpfs mount(Path dir, int kib) throws IOException {
        command("mount", "-t", "tmpfs", "-o", "size=" + kib + "k,mode=0700", "tmpfs", dir.toString());
        return new Tmpfs(dir, kib);
    }

    Path dir() {
        return dir;
    }

    Path filler() {
        return dir.resolve("filler");
    }

    /** Writes {@link #filler} until the disk is full (ENOSPC); what is left is at most the slack in files' last pages. */
    void fill() {
        byte[] chunk = new byte[CHUNK];
        try (OutputStream out = Files.newOutputStream(filler())) {
            for (int i = 0; i <= kib * 1024 / CHUNK; i++) {
                out.write(chunk);
            }
            throw new AssertionError("the tmpfs took more than its " + kib + " KiB");
        } catch (IOException full) {
            // ENOSPC: the point
        }
    }

    /** Space returns. */
    void free() throws IOException {
        Files.delete(filler());
    }

    @Override
    public void close() throws IOException {
        command("umount", dir.toString());
    }

    /** Runs a command; failing (e.g. not root) fails the test with its output. */
    private static void command(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done;
        try {
            done = p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + " interrupted", e);
        }
        if (!done || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed (a test that mounts a tmpfs needs root, as"
                    + " ./check has in CI): " + out);
        }
    }
}
