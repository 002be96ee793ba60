package io.ikeseal.hsm.audit;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Durable sink: the returned future completes only once the record is on stable storage. */
public interface AuditSink extends AutoCloseable {
    CompletableFuture<Void> append(AuditRecord record);

    /**
     * Asks before an operation whose record will follow is started: empty if the sink can take records now,
     * otherwise why not. A refused caller must not start the operation (fail closed: nothing may happen in
     * a token that the log cannot record); a sink that recovers reports how many it refused. A sink that
     * wraps another must delegate this and {@link #broken}.
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
