package io.ikeseal.hsm.audit;

import java.util.concurrent.CompletableFuture;

/** Durable sink: the returned future completes only once the record is on stable storage. */
public interface AuditSink extends AutoCloseable {
    CompletableFuture<Void> append(AuditRecord record);

    @Override
    void close();
}
