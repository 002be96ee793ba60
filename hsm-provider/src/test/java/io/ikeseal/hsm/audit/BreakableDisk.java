package io.ikeseal.hsm.audit;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An audit log whose disk a test can take away and give back: while broken, the open descriptor is closed
 * (the next write fails) and reopening fails as a full disk would.
 */
public final class BreakableDisk {
    private volatile boolean gone;
    private HashChainedAuditLog log;

    public HashChainedAuditLog open(Path file) {
        log = HashChainedAuditLog.open(file, f -> {
            if (gone) throw new IOException("No space left on device (test)");
            return FileChannel.open(f, CREATE, WRITE, APPEND);
        });
        return log;
    }

    /** The disk fails: the next write, and every reopen until {@link #heal}, fail. */
    public void fail() throws IOException {
        gone = true;
        log.channelForTest().close();
    }

    public void heal() {
        gone = false;
    }

    /** Waits (polling, bounded) until the log takes records again; returns how long that took. */
    public Duration awaitRecovered(Duration limit) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        while (log.broken()) {
            if (System.nanoTime() > deadline) throw new AssertionError("audit log did not recover within " + limit);
            Thread.sleep(5);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
