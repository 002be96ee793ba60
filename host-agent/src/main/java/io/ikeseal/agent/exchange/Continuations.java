package io.ikeseal.agent.exchange;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an exchange does once a token call or an audit record completes. The step's own failure (a bug: the
 * token's failures arrive as its argument) is logged rather than lost in a future nobody reads.
 */
final class Continuations {
    private static final Logger LOG = LoggerFactory.getLogger(Continuations.class);

    private Continuations() {}

    /** Runs {@code then} with the result or failure of {@code f} on {@code exec}, e.g. the SA's serial executor. */
    static <T> void on(Executor exec, CompletableFuture<T> f, BiConsumer<? super T, ? super Throwable> then) {
        f.handleAsync(
                        (v, e) -> {
                            then.accept(v, e);
                            return null;
                        },
                        exec)
                .exceptionally(Continuations::lost);
    }

    /** Runs {@code then} where {@code f} completes (at once if it has). */
    static <T> void inline(CompletableFuture<T> f, BiConsumer<? super T, ? super Throwable> then) {
        f.handle((v, e) -> {
                    then.accept(v, e);
                    return null;
                })
                .exceptionally(Continuations::lost);
    }

    /**
     * {@code f}, then the audit records of {@code sa} so far durable (or failed to become so): what a step that
     * installs a CHILD_SA waits for first, off the SA's executor, so that the installer's own barrier (the daemon's
     * DurableInstaller) finds them forced and no SA thread sleeps through an fsync (docs/audit.md). {@code f}'s
     * failure passes at once; a failed barrier is the installer's to report.
     */
    static <T> CompletableFuture<T> thenRecordsDurable(IkeSa sa, CompletableFuture<T> f) {
        return f.thenCompose(
                v -> sa.outputs().tokenTime().barrier(IkeSa.hex(sa.spiI())).handle((ignored, e) -> v));
    }

    private static Void lost(Throwable e) {
        LOG.error("IKE SA step failed: {}", e.toString(), e);
        return null;
    }
}
