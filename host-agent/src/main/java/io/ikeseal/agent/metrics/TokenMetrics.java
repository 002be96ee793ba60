package io.ikeseal.agent.metrics;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.ikeseal.hsm.audit.FlushObserver;
import io.ikeseal.hsm.token.TokenObserver;

/**
 * What the token layer reports: each operation's time inside the token, per token and operation, and its wait in the
 * token's queue (docs/tokens.md); failed operations by result; and the audit log's group commits (docs/audit.md).
 * Called on token threads and the audit writer: no locks once a series exists.
 */
public final class TokenMetrics implements TokenObserver, FlushObserver {
    private final Map<String, Map<String, Histogram>> operations = new ConcurrentHashMap<>();
    private final Map<String, Histogram> waits = new ConcurrentHashMap<>();
    private final Map<Failure, LongAdder> failures = new ConcurrentHashMap<>();
    private final Histogram flushes = new Histogram();
    private final LongAdder flushedRecords = new LongAdder();
    private final LongAdder flushFailures = new LongAdder();

    private record Failure(String token, String operation, String result) {}

    private static final Comparator<Failure> ORDER = Comparator.comparing(Failure::token)
            .thenComparing(Failure::operation)
            .thenComparing(Failure::result);

    @Override
    public void completed(String token, String operation, String result, long waitNanos, long runNanos) {
        Map<String, Histogram> byOp = operations.get(token);
        if (byOp == null) {
            byOp = operations.computeIfAbsent(token, k -> new ConcurrentHashMap<>());
        }
        Histogram h = byOp.get(operation);
        if (h == null) {
            h = byOp.computeIfAbsent(operation, k -> new Histogram());
        }
        h.observeNanos(runNanos);
        Histogram w = waits.get(token);
        if (w == null) {
            w = waits.computeIfAbsent(token, k -> new Histogram());
        }
        w.observeNanos(waitNanos);
        if (!"ok".equals(result)) {
            failures.computeIfAbsent(new Failure(token, operation, result), k -> new LongAdder())
                    .increment();
        }
    }

    @Override
    public void flushed(int records, long nanos) {
        flushes.observeNanos(nanos);
        flushedRecords.add(records);
    }

    @Override
    public void failed(int records, long nanos) {
        flushFailures.increment();
    }

    /** The token families (queue depth and live objects come from the tokens themselves: see the daemon's source). */
    public void writeTokens(MetricWriter w) {
        w.family(
                "ikeseal_token_operation_duration_seconds",
                "histogram",
                "Time inside the token per operation (as audited), by token and operation.");
        new TreeMap<>(operations)
                .forEach((token, ops) -> new TreeMap<>(ops)
                        .forEach((op, h) -> h.writeTo(
                                w, "ikeseal_token_operation_duration_seconds", "token", token, "operation", op)));
        w.family(
                "ikeseal_token_queue_wait_seconds",
                "histogram",
                "Time operations waited in the token's queue before they ran, by token.");
        new TreeMap<>(waits).forEach((token, h) -> h.writeTo(w, "ikeseal_token_queue_wait_seconds", "token", token));
        w.family(
                "ikeseal_token_operation_failures_total",
                "counter",
                "Token operations that failed, by token, operation and result (a CKR_ name or an exception type).");
        failures.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(ORDER))
                .forEach(e -> w.sample(
                        "ikeseal_token_operation_failures_total",
                        e.getValue().sum(),
                        "token",
                        e.getKey().token(),
                        "operation",
                        e.getKey().operation(),
                        "result",
                        e.getKey().result()));
    }

    /** The audit log's group commits: their time, the records they wrote, and the batches that failed. */
    public void writeAudit(MetricWriter w) {
        w.family(
                "ikeseal_audit_flush_duration_seconds",
                "histogram",
                "Time of one group commit of the audit log: one write and one fsync for a batch of records.");
        flushes.writeTo(w, "ikeseal_audit_flush_duration_seconds");
        w.family("ikeseal_audit_records_written_total", "counter", "Audit records written and forced to disk.");
        w.sample("ikeseal_audit_records_written_total", flushedRecords.sum());
        w.family(
                "ikeseal_audit_flush_failures_total",
                "counter",
                "Group commits that failed (the log then refuses token work until it recovers).");
        w.sample("ikeseal_audit_flush_failures_total", flushFailures.sum());
    }
}
