package io.ikeseal.hsm.audit;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audit sink in front of the hash-chained log that also sends each record to syslog (RFC 5424, {@link Rfc5424})
 * for a collector off the host. The log stays the record: every record goes to it first, and admission, barriers and
 * the broken state are the log's alone, so the mirror can never make token work wait or fail. Records are handed to
 * the mirror's own thread through a bounded queue; a full queue or a send that fails drops the mirror's copy and
 * counts it ({@link #dropped}), and the first drop after a success is logged once (WARN), not every record.
 */
public final class SyslogMirror implements AuditSink {
    /** Records waiting for the mirror's thread at most; past it they are dropped (and counted). */
    public static final int QUEUE = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(SyslogMirror.class);
    private static final long CLOSE_DRAIN_MS = 1000;

    private final AuditSink log;
    private final Rfc5424 format;
    private final List<SyslogTarget> targets;
    private final BlockingQueue<AuditRecord> queue;
    private final LongAdder sent = new LongAdder();
    private final LongAdder queueFull = new LongAdder();
    private final LongAdder sendFailed = new LongAdder();
    private final Thread sender;
    private volatile boolean closing;
    private boolean failing; // sender thread only: whether the last send failed (to log once)

    public SyslogMirror(AuditSink log, Rfc5424 format, List<SyslogTarget> targets) {
        this(log, format, targets, QUEUE);
    }

    /** With a queue of {@code capacity} records (tests). */
    SyslogMirror(AuditSink log, Rfc5424 format, List<SyslogTarget> targets, int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.log = log;
        this.format = format;
        this.targets = List.copyOf(targets);
        this.sender = Thread.ofPlatform().daemon().name("audit-syslog").unstarted(this::run);
        sender.start();
    }

    @Override
    public CompletableFuture<Void> append(AuditRecord record) {
        CompletableFuture<Void> written = log.append(record); // the file first: it is the record
        if (!written.isCompletedExceptionally() && !queue.offer(record)) {
            queueFull.increment();
        }
        return written;
    }

    @Override
    public Optional<String> admit() {
        return log.admit();
    }

    @Override
    public boolean broken() {
        return log.broken();
    }

    @Override
    public CompletableFuture<Void> barrier(String ikeSpiI) {
        return log.barrier(ikeSpiI);
    }

    /** Messages sent (one per record and target). */
    public long sent() {
        return sent.sum();
    }

    /** Mirror copies dropped: {@code queue-full} (records) and {@code send-failed} (messages). */
    public long dropped(String reason) {
        return switch (reason) {
            case "queue-full" -> queueFull.sum();
            case "send-failed" -> sendFailed.sum();
            default -> 0;
        };
    }

    public static List<String> dropReasons() {
        return List.of("queue-full", "send-failed");
    }

    public List<String> targets() {
        return targets.stream().map(SyslogTarget::describe).toList();
    }

    private void run() {
        while (true) {
            AuditRecord r;
            try {
                r = closing ? queue.poll() : queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r == null) {
                if (closing) return;
                continue;
            }
            byte[] message = format.format(r);
            for (SyslogTarget t : targets) {
                send(t, message);
            }
        }
    }

    private void send(SyslogTarget t, byte[] message) {
        try {
            t.send(message);
            sent.increment();
            if (failing) {
                LOG.info("audit syslog mirror {}: sending again", t.describe());
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            sendFailed.increment();
            if (!failing) {
                LOG.warn(
                        "audit syslog mirror {}: cannot send ({}); dropping copies until it can (the audit log file"
                                + " is unaffected)",
                        t.describe(),
                        e.toString());
                failing = true;
            }
        }
    }

    /** Sends what is queued (for at most a second), then closes the targets and the log. */
    @Override
    public void close() {
        closing = true;
        try {
            sender.join(CLOSE_DRAIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.interrupt();
        targets.forEach(SyslogTarget::close);
        log.close();
    }
}
