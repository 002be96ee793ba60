package io.ikeseal.hsm.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Rough figure, not a test: appends/s with 1 and 8 threads, each waiting for its record to be durable
 * before the next (how the token layer uses the log). Usage: {@code AuditLogThroughput [dir] [seconds]};
 * the dir should be on the disk you care about (tmpfs makes fsync free).
 */
public final class AuditLogThroughput {
    private AuditLogThroughput() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of("target"), "audit-bench");
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 3;
        for (int threads : new int[] {1, 8}) {
            Path f = dir.resolve("bench-" + threads + ".log");
            try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                List<Thread> ts = new ArrayList<>();
                long[] counts = new long[threads];
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    ts.add(Thread.ofPlatform().start(() -> {
                        try {
                            while (System.nanoTime() < end) {
                                CompletableFuture<Void> f1 = log.append(AuditTestSupport.rec("SKEYSEED"));
                                f1.get(30, TimeUnit.SECONDS);
                                counts[id]++;
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                for (Thread t : ts) t.join(TimeUnit.SECONDS.toMillis(seconds + 60));
                long n = 0;
                for (long c : counts) n += c;
                System.out.printf(
                        "%d thread(s): %,d appends in %ds = %,.0f appends/s (durable, each waited for)%n",
                        threads, n, seconds, n / (double) seconds);
            }
            System.out.println("  verify: " + AuditVerifier.verify(f));
        }
    }
}
