package io.ikeseal.hsm.audit;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Durable sink with group commit: {@link #append} queues a record and fixes its place in the log at once; the record
 * becomes durable later, together with others. Whoever is about to act on what a record describes (send a datagram,
 * install a CHILD_SA) first waits for a {@link #barrier} (docs/audit.md).
 */
public interface AuditSink extends AutoCloseable {
    /**
     * Queues a record. A future already failed when this returns means the record was not queued (log broken,
     * closed, record too large): nobody may act on what it describes. Otherwise the record's place is fixed and the
     * future completes once it is on stable storage, or fails if it never gets there.
     */
    CompletableFuture<Void> append(AuditRecord record);

    /**
     * Completes once every record queued before this call is on stable storage, as far as IKE SA {@code ikeSpiI} is
     * concerned (16 lowercase hex characters, as in {@code AuditContext}; null: any record): at once when none is
     * pending. Fails if the log is closed, or if a record of that SA could not be made durable, whether in the batch
     * this barrier waits for or in an earlier failure the log has recovered from since: what depended on it must not
     * be acted upon. With {@code null}, any lost record and a broken log fail it. The default suits sinks that are
     * durable on append.
     */
    default CompletableFuture<Void> barrier(String ikeSpiI) {
        return broken()
                ? CompletableFuture.failedFuture(new AuditException("audit log cannot be written"))
                : CompletableFuture.completedFuture(null);
    }

    /**
     * Asks before an operation whose record will follow is started: empty if the sink can take records now,
     * otherwise why not. A refused caller must not start the operation (fail closed: nothing may happen in
     * a token that the log cannot record); a sink that recovers reports how many it refused. A sink that
     * wraps another must delegate this, {@link #barrier} and {@link #broken}.
     */
    default Optional<String> admit() {
        return Optional.empty();
    }

    /** Whether the sink cannot take records right now (it may still recover). */
    default boolean broken() {
        return false;
    }

    @Override
    void close();
}
