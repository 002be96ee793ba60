package io.ikeseal.hsm.token;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;
import sun.security.pkcs11.wrapper.PKCS11Exception;

/**
 * The direct binding's sessions (docs/tokens.md, "Direct binding"). Each token thread keeps one PKCS#11 session of its
 * own on the module the token runs on now, and the key-exchange objects of the SAs (DH private values, g^ir,
 * SKEYSEED, SK_d) are made there rather than in SunPKCS11's pools, which open one session per object that outlives a
 * call. Session objects belong to the application (PKCS#11 v2.40 §6.7.5), so any of these sessions can use and destroy
 * them; a closed session takes its objects with it, so the sessions stay open until the token is reopened or closed.
 *
 * <p>{@link DirectKey#destroy()} only queues the handle: the C_DestroyObject runs on a token thread after its next
 * call, or in an idle task when no call comes (one such task waits at most).
 */
public final class DirectSessions {
    private static final Logger LOG = LoggerFactory.getLogger(DirectSessions.class);
    /** Destroys the idle task makes at most before it queues itself again behind other work. */
    private static final int IDLE_BATCH = 4096;
    /** Destroys a token thread makes after a call at most, so the next operation waits little (a handshake queues 8). */
    private static final int CALL_BATCH = 64;

    /** A module and a session on it that one token thread owns, of token session {@code generation}. */
    public record DirectSession(DirectSessions owner, PKCS11 p11, long id, int generation) {
        /** A key this session made, as a handle whose drop or destroy queues its C_DestroyObject. */
        public DirectKey adopt(long handle) {
            return new DirectKey(owner, handle, generation);
        }

        @Override
        public String toString() {
            return "DirectSession[" + id + ", generation " + generation + "]";
        }
    }

    private record Pending(long handle, int generation) {}

    private final Token token;
    /** Token threads serve one token each; the owner check keeps a session on its own token all the same. */
    private static final ThreadLocal<DirectSession> MINE = new ThreadLocal<>();

    private final Queue<DirectSession> opened = new ConcurrentLinkedQueue<>();
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable scheduleDrain;
    private volatile boolean closed;

    /** @param scheduleDrain queues one {@link #drain(boolean)} as idle work on the token's executor */
    DirectSessions(Token token, Runnable scheduleDrain) {
        this.token = token;
        this.scheduleDrain = scheduleDrain;
    }

    /**
     * The calling token thread's session on the token's current session generation, opened when first asked for. Use
     * only inside {@link Token#call} bodies.
     */
    public DirectSession current() throws java.io.IOException, PKCS11Exception {
        int generation = token.health().generation();
        DirectSession s = MINE.get();
        if (s != null && s.owner() == this && s.generation() == generation) {
            return s;
        }
        if (closed) {
            throw new TokenException("token '" + token.name() + "' is closed");
        }
        PKCS11 p11 = token.module();
        long id = p11.C_OpenSession(
                token.slot().slotId(), PKCS11Constants.CKF_SERIAL_SESSION | PKCS11Constants.CKF_RW_SESSION, null, null);
        s = new DirectSession(this, p11, id, generation);
        MINE.set(s);
        opened.add(s);
        closeOlderThan(generation);
        return s;
    }

    /** The token this binding serves. */
    public Token token() {
        return token;
    }

    /** Sessions open now (one per token thread that made a direct call, per live generation). */
    public int openSessions() {
        return opened.size();
    }

    /** Destroys queued and not yet run. */
    public int pendingDestroys() {
        return pendingCount.get();
    }

    /** Queues the destroy of {@code handle}; a handle of an older generation died with its session and is skipped. */
    void destroyLater(long handle, int generation) {
        if (closed) {
            return; // the sessions are closed, and their objects with them
        }
        pending.add(new Pending(handle, generation));
        pendingCount.incrementAndGet();
        scheduleIfPending();
    }

    /** Whether destroys wait; cheap, for the token thread after each call. */
    boolean hasPending() {
        return pendingCount.get() > 0;
    }

    /**
     * Runs queued destroys on the calling token thread's session; {@code idle} when called by the idle task that
     * {@link #destroyLater} queued. Never throws: a failed destroy is logged.
     */
    void drain(boolean idle) {
        if (idle) {
            drainQueued.set(false); // only the queued task clears it, so at most one waits in the idle lane
        }
        DirectSession s;
        try {
            s = current();
        } catch (Exception e) {
            LOG.debug("token '{}': no session to destroy objects in: {}", token.name(), e.toString());
            return;
        }
        for (int i = 0, n = idle ? IDLE_BATCH : CALL_BATCH; i < n; i++) {
            Pending p = pending.poll();
            if (p == null) {
                return;
            }
            pendingCount.decrementAndGet();
            if (p.generation() != s.generation()) {
                continue;
            }
            try {
                s.p11().C_DestroyObject(s.id(), p.handle());
            } catch (PKCS11Exception e) {
                LOG.debug("token '{}': C_DestroyObject failed: {}", token.name(), Pkcs11Module.ckrOf(e));
            }
        }
        scheduleIfPending();
    }

    /** Queues an idle drain unless one waits already: a backlog larger than one batch, or a refused queueing. */
    private void scheduleIfPending() {
        if (hasPending() && drainQueued.compareAndSet(false, true)) {
            scheduleDrain.run();
        }
    }

    /** The idle drain could not be queued (the idle lane is full, or the token closes): the next call drains. */
    void drainNotQueued() {
        drainQueued.set(false);
    }

    /** Closes every session (and so every object made in them); later destroys are dropped. */
    void close() {
        closed = true;
        pending.clear();
        pendingCount.set(0);
        closeOlderThan(Integer.MAX_VALUE);
    }

    /** Closes the sessions of token sessions a recovery replaced: their objects are not used again. */
    private void closeOlderThan(int generation) {
        for (var it = opened.iterator(); it.hasNext(); ) {
            DirectSession s = it.next();
            if (s.generation() < generation) {
                it.remove();
                try {
                    s.p11().C_CloseSession(s.id());
                } catch (PKCS11Exception e) {
                    LOG.debug("token '{}': C_CloseSession failed: {}", token.name(), Pkcs11Module.ckrOf(e));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "DirectSessions[" + token.name() + ", " + opened.size() + " open, " + pendingCount.get()
                + " destroys queued]";
    }
}
