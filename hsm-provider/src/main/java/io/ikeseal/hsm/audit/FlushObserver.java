package io.ikeseal.hsm.audit;

/**
 * Hears of each group commit of a {@link HashChainedAuditLog}: one {@code write} plus one {@code force} for a batch
 * of records (docs/audit.md). Called on the log's writer thread after the force: it must be cheap and must not block;
 * an exception it throws is swallowed. For metrics.
 */
public interface FlushObserver {
    FlushObserver NONE = new FlushObserver() {};

    /** A batch of {@code records} was written and forced in {@code nanos}. */
    default void flushed(int records, long nanos) {}

    /** Writing or forcing a batch of {@code records} failed after {@code nanos}; the log is broken until it recovers. */
    default void failed(int records, long nanos) {}
}
