package io.ikeseal.hsm.token;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * Whether a token takes calls, and bringing it back after a fault (issue 9 item 4; docs/tokens.md, "Faults and
 * recovery"). READY runs calls. A call that fails with a token fault ({@link TokenFaults}) turns it RECOVERING: calls
 * are refused at once (so SAs that need the token fail fast), and one background task reopens the token with backoff
 * until it works. A refused PIN, a locked PIN or a final PIN try makes it FAILED for good: no PIN is ever retried.
 * One WARN and one audit record for the fault, one of each for the recovery; ERROR once for FAILED.
 */
public final class TokenHealth {
    private static final Logger LOG = LoggerFactory.getLogger(Token.class);
    static final long FIRST_RETRY_MS = 50;
    static final long MAX_RETRY_MS = 2_000;

    private static final ScheduledExecutorService RECOVERY = Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().daemon().name("token-recovery-", 0).factory());

    public enum State {
        READY,
        RECOVERING,
        FAILED
    }

    /** Makes a new session on the token; throws {@link PinRefusedException} when no login may be tried again. */
    @FunctionalInterface
    interface Reopen {
        TokenSession reopen(TokenSession broken) throws Exception;
    }

    /** Runs a task after a delay; a manual one in tests. */
    @FunctionalInterface
    interface Scheduler {
        void schedule(Runnable task, long delayMillis);
    }

    private final String name;
    private final AuditSink audit;
    private final Reopen reopen;
    private final Scheduler scheduler;
    private final LongSupplier nanos;
    /** Calls hold it shared; a module re-initialisation holds it alone, so no call is inside the module then. */
    private final ReentrantReadWriteLock calls;

    private volatile TokenSession session;
    private volatile State state = State.READY;
    private volatile String reason = "";
    private long faultNanos;
    private int attempts;
    /** A fault soon after a recovery continues the backoff, so a flapping token is not reopened in a tight loop. */
    private long recoveredNanos = Long.MIN_VALUE;

    private int streak;
    static final long FLAPPING_NANOS = 10_000_000_000L;
    private volatile boolean closed;

    TokenHealth(
            String name,
            AuditSink audit,
            TokenSession first,
            Reopen reopen,
            Scheduler scheduler,
            LongSupplier nanos,
            ReentrantReadWriteLock calls) {
        this.name = name;
        this.calls = calls;
        this.audit = audit;
        this.session = first;
        this.reopen = reopen;
        this.scheduler = scheduler;
        this.nanos = nanos;
    }

    static Scheduler backgroundScheduler() {
        return (task, delay) -> {
            var _ = RECOVERY.schedule(task, delay, TimeUnit.MILLISECONDS);
        };
    }

    public State state() {
        return state;
    }

    /** The last fault or refusal (operation and error, never a PIN), empty while none happened. */
    public String reason() {
        return reason;
    }

    /** 0 until the first recovery, then one more per recovery. */
    public int generation() {
        return session.generation();
    }

    TokenSession session() {
        return session;
    }

    /** Runs a call's body; a module re-initialisation waits until no body is inside the module. */
    <T> T run(TokenCall<T> body) throws Exception {
        calls.readLock().lock();
        try {
            return body.run();
        } finally {
            calls.readLock().unlock();
        }
    }

    /**
     * Runs {@code body} on the calling thread, outside {@link Token#call}: no executor, no audit record. Only for work
     * on public data that the host could equally do itself (a peer's signature checked with its public key, {@code
     * sign.TokenEcdsa}); like a call it holds off a module re-initialisation while inside.
     *
     * @throws TokenException at once if the token is not ready
     */
    public <T> T runPublicKeyWork(TokenCall<T> body) throws Exception {
        Optional<String> refusal = admit();
        if (refusal.isPresent()) {
            throw new TokenException("token '" + name + "': " + refusal.get());
        }
        return run(body);
    }

    /** Empty if calls may run now, else why not (the caller fails at once, like an audit refusal). */
    Optional<String> admit() {
        return switch (state) {
            case READY -> Optional.empty();
            case RECOVERING -> Optional.of("token is recovering from a fault (" + reason + ")");
            case FAILED -> Optional.of("token failed and is not retried (" + reason + ")");
        };
    }

    /**
     * A call on {@code used} failed with {@code error}. A token fault on the current session starts recovery; one
     * on an older session (a call that began before the last recovery) or while recovering changes nothing.
     *
     * @return whether {@code error} was a token fault
     */
    boolean observe(TokenOperation op, Throwable error, TokenSession used) {
        String fault = TokenFaults.faultOf(error);
        if (fault == null) {
            return false;
        }
        synchronized (this) {
            if (closed || state != State.READY || used.generation() != session.generation()) {
                return true;
            }
            state = State.RECOVERING;
            reason = op.operation() + ": " + fault;
            faultNanos = nanos.getAsLong();
            attempts = 0;
            streak = recoveredNanos != Long.MIN_VALUE && faultNanos - recoveredNanos < FLAPPING_NANOS ? streak + 1 : 0;
        }
        LOG.warn(
                "token '{}' fault: {} failed with {}; refusing calls while it is reopened",
                name,
                op.operation(),
                fault);
        record("token-fault", op.mechanism(), op.operation(), fault, 0);
        scheduler.schedule(this::attempt, streak == 0 ? 0 : backoff(streak));
        return true;
    }

    /** One recovery attempt; schedules the next with backoff unless it worked or must stop. */
    void attempt() {
        synchronized (this) {
            if (closed || state != State.RECOVERING) {
                return;
            }
            attempts++;
        }
        try {
            TokenSession fresh = reopen.reopen(session);
            long us = Math.max(0, (nanos.getAsLong() - faultNanos) / 1000);
            // recorded before calls run again, so the record precedes every call on the fresh session
            record("token-recovered", fresh.how(), reason, "ok", us);
            synchronized (this) {
                if (closed) {
                    return;
                }
                session = fresh;
                state = State.READY;
                recoveredNanos = nanos.getAsLong();
            }
            LOG.warn(
                    "token '{}' recovered after {} ms and {} attempt(s) ({}): calls run again",
                    name,
                    us / 1000,
                    attempts,
                    fresh.how());
        } catch (PinRefusedException e) {
            long us = Math.max(0, (nanos.getAsLong() - faultNanos) / 1000);
            // recorded before the state says FAILED, so whoever sees FAILED finds the record (calls are refused
            // while RECOVERING all the same)
            record("token-recovery-failed", "C_Login", null, e.ckr() != null ? e.ckr() : "refused", us);
            synchronized (this) {
                state = State.FAILED;
                reason = e.getMessage();
            }
            LOG.error(
                    "token '{}' cannot recover: {}; no login is tried again, calls are refused until a restart",
                    name,
                    e.getMessage());
        } catch (Exception | LinkageError e) {
            long delay = backoff(streak + attempts);
            LOG.debug("token '{}': recovery attempt {} failed ({}); next in {} ms", name, attempts, describe(e), delay);
            scheduler.schedule(this::attempt, delay);
        }
    }

    /** 50 ms, 100 ms, ... up to {@link #MAX_RETRY_MS}. */
    private static long backoff(int step) {
        return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(Math.max(step - 1, 0), 10));
    }

    void close() {
        closed = true;
    }

    private static String describe(Throwable e) {
        String ckr = Pkcs11Module.ckrOf(e);
        return ckr != null ? ckr : e.getClass().getSimpleName();
    }

    private void record(String op, String mech, String keyRef, String result, long us) {
        try {
            var _ = audit.append(new AuditRecord(Instant.now(), name, op, mech, keyRef, AuditContext.NONE, result, us));
        } catch (RuntimeException e) {
            LOG.debug(
                    "token '{}': audit record {} not written: {}",
                    name,
                    op,
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "TokenHealth[" + name + ", " + state + "]";
    }
}
