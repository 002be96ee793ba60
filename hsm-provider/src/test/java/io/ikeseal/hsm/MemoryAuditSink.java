package io.ikeseal.hsm;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/** Keeps audit records in memory so tests can assert which token operations ran. */
public final class MemoryAuditSink implements AuditSink {
    private final List<AuditRecord> records = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    @Override
    public CompletableFuture<Void> append(AuditRecord record) {
        if (failing) {
            return CompletableFuture.failedFuture(new java.io.IOException("audit storage unavailable (test)"));
        }
        records.add(record);
        return CompletableFuture.completedFuture(null);
    }

    /** From now on every append fails, as a full disk would. */
    public void failFromNowOn() {
        failing = true;
    }

    public List<AuditRecord> records() {
        return List.copyOf(records);
    }

    public List<AuditRecord> byOperation(String operation) {
        return records.stream().filter(r -> r.operation().equals(operation)).toList();
    }

    public void clear() {
        records.clear();
    }

    @Override
    public void close() {}
}
