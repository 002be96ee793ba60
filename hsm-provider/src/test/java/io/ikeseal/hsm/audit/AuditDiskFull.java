package io.ikeseal.hsm.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Rough figure, not a test (it needs root to mount): a real full disk under the log. Mounts a small tmpfs, fills
 * it, appends until the log breaks (ENOSPC, possibly after a partial line), asks for token operations meanwhile,
 * frees the space and measures how long the log takes to write its recovery record, then verifies the file.
 * Usage, as root: {@code AuditDiskFull [outages] [ms the disk stays full]}.
 */
public final class AuditDiskFull {
    private AuditDiskFull() {}

    public static void main(String[] args) throws Exception {
        int outages = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        long holdMs = args.length > 1 ? Long.parseLong(args[1]) : 0; // how long the disk stays full
        Path mnt = Files.createTempDirectory("audit-tmpfs");
        run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt.toString());
        try {
            Path file = mnt.resolve("audit.log");
            try (HashChainedAuditLog log = HashChainedAuditLog.open(file)) {
                int key = 0;
                for (int o = 1; o <= outages; o++) {
                    Path filler = mnt.resolve("filler");
                    fill(filler);
                    int written = 0;
                    while (!log.broken() && written < 10_000) {
                        try {
                            log.append(AuditTestSupport.rec("k" + key++)).get(10, TimeUnit.SECONDS);
                            written++;
                        } catch (java.util.concurrent.ExecutionException e) {
                            break; // the record that finds the disk full
                        }
                    }
                    int refused = 0;
                    for (int i = 0; i < 100; i++) if (log.admit().isPresent()) refused++;
                    Thread.sleep(holdMs);
                    Files.delete(filler);
                    long t0 = System.nanoTime();
                    while (log.broken()) {
                        if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(15)) {
                            throw new IllegalStateException("no recovery within 15 s");
                        }
                        Thread.sleep(1);
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.printf(
                            "outage %d: %d records fit before ENOSPC, %d of 100 operations refused, "
                                    + "recovered %d ms after space returned%n",
                            o, written, refused, ms);
                    log.append(AuditTestSupport.rec("k" + key++)).get(10, TimeUnit.SECONDS);
                }
            }
            AuditVerifier.Result r = AuditVerifier.verify(file);
            System.out.println("verify: ok=" + r.ok() + " " + r.reason());
            r.notes().forEach(n -> System.out.println("  " + n));
        } finally {
            run("umount", mnt.toString());
            Files.delete(mnt);
        }
    }

    private static void fill(Path filler) {
        byte[] chunk = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1 << 20; i++) out.write(chunk);
        } catch (IOException e) {
            // full: that is the point
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed");
        }
    }
}
