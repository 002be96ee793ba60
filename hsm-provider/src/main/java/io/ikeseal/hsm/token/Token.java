package io.ikeseal.hsm.token;

import java.security.AuthProvider;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.security.auth.Destroyable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.api.Urgency;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * One logged-in PKCS#11 token. Every operation runs through {@link #call} on the token's own bounded
 * executor (token calls block; the event loop must never wait on one) and is released to the caller once
 * its audit record is queued in the log: durable it becomes with the next group commit, and whoever acts on
 * the result outside the process waits for {@link AuditSink#barrier} first (docs/audit.md).
 *
 * <p>A token fault (device removed, session or handle invalid, ...) makes the token refuse calls until
 * {@link TokenHealth} has reopened it in the background (docs/tokens.md, "Faults and recovery").
 *
 * <p>Tokens are made by {@link TokenLogin#ready}; callers open one with hsm.startup's {@code TokenStartup.open},
 * which self-tests the key-exchange role in between.
 */
public final class Token implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Token.class);
    private final TokenSpec spec;
    private final TokenCapabilities capabilities;
    private final AuditSink audit;
    private final TokenExecutor executor;
    private final TokenReopen reopen;
    private final TokenHealth health;
    private final LiveTokenObjects liveObjects = new LiveTokenObjects();
    private final ContextLogin contextLogin;
    private final DirectSessions direct = new DirectSessions(this, this::scheduleDrain);
    private volatile TokenObserver observer = TokenObserver.NONE;

    /** What a role proves on a reopened token before it takes calls again (e.g. the key-exchange self-test). */
    @FunctionalInterface
    public interface RecoveryCheck {
        void check(Provider provider, KeyStore keyStore) throws Exception;
    }

    Token(
            TokenSpec spec,
            Pkcs11Module.SlotInfo slot,
            TokenCapabilities capabilities,
            Provider provider,
            KeyStore keyStore,
            AuditSink audit) {
        this.spec = spec;
        this.capabilities = capabilities;
        this.audit = audit;
        this.executor = new TokenExecutor(spec.name(), spec.threads());
        this.contextLogin = new ContextLogin(spec, audit);
        LoadedModule module = LoadedModule.of(spec.library());
        this.reopen = new TokenReopen(spec, module);
        this.health = new TokenHealth(
                spec.name(),
                audit,
                new TokenSession(provider, keyStore, slot, 0, "C_Login"),
                reopen,
                TokenHealth.backgroundScheduler(),
                System::nanoTime,
                module.calls);
    }

    /**
     * Runs {@code body} on this token's executor. The future completes once the operation's audit record is
     * queued (not yet forced: act on the result outside the process only after {@link AuditSink#barrier}); if
     * the log refuses the record the result is withheld (and destroyed if it can be). While the audit log
     * cannot take records the body is not run at all and the future fails at once.
     *
     * <p>The future completes on the token's thread, so dependent stages added without an executor run there:
     * keep them short and never let them wait (hand real work to an executor with the *Async variants, as the
     * exchanges do). A hand-off to a completion thread instead cost a thread wake-up per call, which under load
     * was up to a tenth of the compat tier's CPU per SA (docs/performance.md). {@link #await} refuses to wait on
     * a token thread.
     */
    public <T> CompletableFuture<T> call(TokenOperation op, AuditContext context, TokenCall<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AuditContext ctx = context == null ? AuditContext.NONE : context;
        // Fail closed: nothing may happen in the token that the audit log cannot record (the refusal is
        // counted in the log's recovery record).
        var refusal = audit.admit().or(health::admit); // a recovering token refuses as fast
        if (refusal.isPresent()) {
            result.completeExceptionally(
                    new TokenException("token '" + name() + "': " + op.operation() + " not run: " + refusal.get()));
            return result;
        }
        long queuedAt = System.nanoTime();
        try {
            executor.execute(ctx.urgency(), () -> run(op, ctx, body, result, queuedAt));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new TokenException("token '" + name() + "' is "
                    + (executor.isShutdown() ? "closed" : "saturated (" + executor.queued() + " operations queued)")
                    + "; " + op.operation() + " not run"));
        }
        return result;
    }

    private <T> void run(
            TokenOperation op, AuditContext ctx, TokenCall<T> body, CompletableFuture<T> result, long queuedAt) {
        // again: the log may have broken, or the token faulted, while this waited in the queue
        var refusal = audit.admit().or(health::admit);
        if (refusal.isPresent()) {
            result.completeExceptionally(
                    new TokenException("token '" + name() + "': " + op.operation() + " not run: " + refusal.get()));
            return;
        }
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        T value = null;
        Throwable error = null;
        TokenSession used = health.session();
        try {
            value = health.run(body);
        } catch (Throwable t) {
            error = t;
            health.observe(op, t, used); // a token fault starts recovery; the call still fails below
        }
        long runNanos = System.nanoTime() - t0;
        long us = runNanos / 1000;
        String outcome = error == null ? "ok" : outcomeOf(error);
        AuditRecord rec = new AuditRecord(start, name(), op.operation(), op.mechanism(), op.keyRef(), ctx, outcome, us);
        CompletableFuture<Void> logged;
        try {
            logged = audit.append(rec);
        } catch (RuntimeException e) {
            logged = CompletableFuture.failedFuture(e);
        }
        // Queued is enough to release: its place in the chain is fixed, and every action outside the process waits
        // for a barrier that fails if this record never reaches the disk. Refused at once: withheld.
        Throwable refused = refusal(logged);
        observe(op, outcome, t0 - queuedAt, runNanos);
        // A stage that throws fails its own future, not this one's completion: CompletableFuture catches it.
        if (refused != null) {
            destroyQuietly(value);
            result.completeExceptionally(new TokenException(
                    "token '" + name() + "': " + op.operation()
                            + " result withheld because its audit record could not be written",
                    null,
                    refused));
        } else if (error != null) {
            result.completeExceptionally(wrap(op, error));
        } else {
            result.complete(value);
        }
        drainDestroys(false); // after the result is on its way: destroys never delay a caller
    }

    /** Queued destroys of direct keys, on this token thread after its call (outside the call's own time). */
    private void drainDestroys(boolean idle) {
        if (idle || direct.hasPending()) {
            try {
                health.run(() -> {
                    direct.drain(idle);
                    return null;
                });
            } catch (Exception e) { // drain never throws; the lock wait cannot fail either
                LOG.debug("token '{}': destroys not run: {}", name(), e.toString());
            }
        }
    }

    /** Destroys wait and no call may come soon: run them as idle work. */
    private void scheduleDrain() {
        try {
            executor.execute(Urgency.IDLE, () -> {
                if (health.admit().isEmpty()) {
                    drainDestroys(true);
                } else {
                    direct.drainNotQueued(); // recovering: the first call after it drains
                }
            });
        } catch (RejectedExecutionException e) {
            direct.drainNotQueued(); // closed (the sessions go, and their objects with them) or the idle lane is full
        }
    }

    private void observe(TokenOperation op, String outcome, long waitNanos, long runNanos) {
        try {
            observer.completed(name(), op.operation(), outcome, waitNanos, runNanos);
        } catch (RuntimeException e) { // metrics must never fail token work
            LOG.debug("token '{}': observer failed: {}", name(), e.toString());
        }
    }

    /**
     * Who hears of each operation from now on (one observer; metrics). Operations before this call, such as the
     * start-up self-tests, are not reported.
     */
    public void observe(TokenObserver o) {
        observer = o == null ? TokenObserver.NONE : o;
    }

    /** Operations waiting in this token's queues (not those running). */
    public int queueDepth() {
        return executor.queued();
    }

    /** The failure of an append the log refused on the spot (not queued), or null once it is queued. */
    private static Throwable refusal(CompletableFuture<Void> logged) {
        if (!logged.isCompletedExceptionally()) return null;
        try {
            logged.join();
            return null;
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private TokenException wrap(TokenOperation op, Throwable t) {
        if (t instanceof TokenException te) {
            return te;
        }
        String ckr = Pkcs11Module.ckrOf(t);
        return new TokenException(
                "token '" + name() + "': " + op.operation() + " (" + op.mechanism() + ") failed: "
                        + (ckr != null
                                ? ckr
                                : t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "")),
                ckr,
                t);
    }

    private static String outcomeOf(Throwable t) {
        String ckr = Pkcs11Module.ckrOf(t);
        return ckr != null ? ckr : t.getClass().getSimpleName();
    }

    private static void destroyQuietly(Object o) {
        if (o instanceof Destroyable d) {
            try {
                d.destroy();
            } catch (Exception ignored) {
                // best effort: the handle is dropped either way
            }
        }
    }

    /**
     * Waits for a token call and unwraps its failure; for CLI and tests, never on an event loop, and refused on a
     * token thread (a stage run there that waited for a call queued behind it would wait for ever).
     */
    public static <T> T await(CompletableFuture<T> future) {
        if (TokenExecutor.onTokenThread() && !future.isDone()) {
            throw new IllegalStateException("a token thread may not wait for a token operation");
        }
        try {
            return future.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new TokenException(String.valueOf(c), null, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted waiting for a token operation");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TokenException("token operation did not finish within 120 s");
        }
    }

    public String name() {
        return spec.name();
    }

    public TokenSpec spec() {
        return spec;
    }

    public Pkcs11Module.SlotInfo slot() {
        return health.session().slot();
    }

    public TokenCapabilities capabilities() {
        return capabilities;
    }

    /** The residency tier this token runs the key schedule at. */
    public ResidencyTier tier() {
        return spec.tier();
    }

    /** The SunPKCS11 provider bound to this token's slot. Use only inside {@link #call} bodies. */
    public Provider provider() {
        return health.session().provider();
    }

    /** The token's KeyStore (logged in). Use only inside {@link #call} bodies. */
    public KeyStore keyStore() {
        return health.session().keyStore();
    }

    /** Handles to this token's session objects handed out and not yet destroyed. */
    public LiveTokenObjects liveObjects() {
        return liveObjects;
    }

    /** The direct binding's sessions on this token. Use {@link DirectSessions#current()} only inside call bodies. */
    public DirectSessions direct() {
        return direct;
    }

    /** Whether the token takes calls, and how often it was reopened after a fault. */
    public TokenHealth health() {
        return health;
    }

    /**
     * The handle of private key {@code alias} in the current session: {@code found} (looked up at start) until a
     * recovery, then the key re-found in the reopened token. Use only inside {@link #call} bodies.
     */
    public PrivateKey privateKey(String alias, PrivateKey found) throws Exception {
        TokenSession s = health.session();
        if (s.generation() == 0) {
            return found;
        }
        PrivateKey k = s.keys().get(alias);
        if (k == null && s.keyStore().getKey(alias, null) instanceof PrivateKey fresh) {
            k = fresh;
            s.keys().put(alias, fresh);
        }
        if (k == null) {
            throw new TokenException("token '" + name() + "' has no private key '" + alias + "' any more");
        }
        return k;
    }

    /**
     * SunPKCS11's wrapper of the module the current session runs on, for what SunPKCS11 cannot express (object
     * searches by CKA_ID, operations with a context-specific login). Use only inside {@link #call} bodies.
     */
    public PKCS11 module() throws java.io.IOException, PKCS11Exception {
        return PKCS11.getInstance(
                LoadedModule.of(spec.library()).current().toString(), "C_GetFunctionList", null, false);
    }

    /**
     * C_Login(CKU_CONTEXT_SPECIFIC) on {@code session}, after C_SignInit with a CKA_ALWAYS_AUTHENTICATE key, under the
     * rules of every login (a final PIN try refuses, a PIN pad gets no PIN); audited as "context-login". Use only
     * inside {@link #call} bodies.
     */
    public void contextSpecificLogin(PKCS11 p11, long session, String keyRef, AuditContext context) {
        contextLogin.login(p11, session, slot().slotId(), keyRef, context);
    }

    /** A reopened token takes calls again only once key {@code alias} and its certificate are found in it. */
    public void requireKeyOnRecovery(String alias) {
        reopen.requireKey(alias);
    }

    /** A reopened token takes calls again only once {@code check} passes on it. */
    public void onRecovery(RecoveryCheck check) {
        reopen.addCheck(check);
    }

    public AuditSink audit() {
        return audit;
    }

    public Map<String, Object> describe() {
        return Map.of(
                "name",
                name(),
                "library",
                spec.library().toString(),
                "slot",
                slot().slotId(),
                "label",
                slot().label(),
                "tier",
                tier().configName());
    }

    @Override
    public void close() {
        health.close();
        executor.shutdownAndWait();
        direct.close();
        spec.pin().forget();
        if (provider() instanceof AuthProvider ap) {
            try {
                ap.logout();
            } catch (Exception e) {
                LOG.debug("token '{}': logout failed: {}", name(), e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public String toString() {
        return "Token[" + name() + ", slot " + slot().slotId() + " '" + slot().label() + "', " + tier().configName()
                + "]";
    }
}
