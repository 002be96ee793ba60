package io.ikeseal.agent.auth;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * The audit record of a peer authentication, in the same hash-chained log as the token operations: operation
 * {@value #FAILED} (result: the failure code and its detail) or {@value #OK} (result "ok"); mechanism the AUTH
 * method or scheme; key reference the identity the peer claimed; the SA's context. No token wrote it, so its token
 * is null. Holds names only (IDs, certificate subjects and issuers), never signatures, MACs or certificate bodies.
 */
final class AuthAudit {
    static final String FAILED = "auth-failed";
    static final String OK = "peer-auth";
    private static final int MAX_KEY_REF = 256;

    private AuthAudit() {}

    /**
     * Appends the record; the returned future completes with {@code outcome} once the record is queued in the log, or
     * fails if the log refuses it: then nobody may act on the outcome. Queued is enough: the outcome is acted upon
     * only by what leaves the process (the IKE_AUTH response or request that follows, a CHILD_SA installed), and
     * each of those waits for the audit barrier first, which fails if this record never reaches the disk
     * (docs/audit.md).
     */
    static CompletableFuture<AuthOutcome> record(
            AuditSink sink, AuthOutcome outcome, String mechanism, AuditContext ctx, Instant start, long startNanos) {
        String peer =
                outcome.peer() == null ? null : Loggable.text(outcome.peer().toString(), MAX_KEY_REF);
        String result = outcome.authenticated() ? "ok" : outcome.failure().code() + ": " + outcome.detail();
        AuditRecord r = new AuditRecord(
                start,
                null,
                outcome.authenticated() ? OK : FAILED,
                mechanism,
                peer,
                ctx == null ? AuditContext.NONE : ctx,
                result,
                (System.nanoTime() - startNanos) / 1000);
        CompletableFuture<Void> appended;
        try {
            appended = sink.append(r);
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        // Refused on the spot: the failure is the outcome. Otherwise queued: continue on the caller's thread.
        return appended.isCompletedExceptionally()
                ? appended.thenApply(ignored -> outcome)
                : CompletableFuture.completedFuture(outcome);
    }
}
