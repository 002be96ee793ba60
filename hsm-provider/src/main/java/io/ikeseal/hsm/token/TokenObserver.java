package io.ikeseal.hsm.token;

/**
 * Hears of every operation a {@link Token} ran, after its audit record was handed to the log: for metrics. Called on
 * the token's own thread, so it must be cheap and must not block; an exception it throws is swallowed (an observer
 * never fails token work). Knows tokens and operation names, nothing of IKE.
 */
@FunctionalInterface
public interface TokenObserver {
    TokenObserver NONE = (token, operation, result, waitNanos, runNanos) -> {};

    /**
     * One operation ran.
     *
     * @param token     the token's configured name
     * @param operation the audited operation name, e.g. {@code dh-derive}
     * @param result    {@code ok}, a {@code CKR_} name or an exception's simple class name, as in the audit record
     * @param waitNanos time from {@link Token#call} to the start of the body: the queue in front of the token
     * @param runNanos  time inside the body: the token's own time, as audited
     */
    void completed(String token, String operation, String result, long waitNanos, long runNanos);
}
