package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaEnd;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;

/**
 * The life of one IKE SA as explicit states (RFC 7296 §1.2-§1.4, §2.4): CONNECTING (initiator) or HALF_OPEN
 * (responder, and the initiator once IKE_SA_INIT is done) → AUTHENTICATING → ESTABLISHED → DELETING → CLOSED; the
 * timers a state starts, the futures that report the outcome, and the teardown. Only this class changes the state;
 * it runs on the SA's executor.
 */
final class IkeSaLifecycle {
    /** The SA's own logger: its lines read "IkeSa: IKE_SA ... established", wherever the code sits. */
    private static final Logger LOG = LoggerFactory.getLogger(IkeSa.class);

    private final IkeSa sa;
    private final SaShared shared;
    private final SaTimers timers;
    private final DeadPeerDetection liveness;
    private final NatKeepalive keepalive;
    /** Null once completed: an established SA does not keep its IkeSaInfo snapshot (~200 B) for a caller gone. */
    private CompletableFuture<IkeSaInfo> established = new CompletableFuture<>();

    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final List<Runnable> onClose = new ArrayList<>(2); // sized for the usual one or two
    private IkeSaState state;
    /** Made by a rekey and not yet announced as its result. */
    private boolean unannounced;
    /** Why the SA ends, once known (the first cause named wins); see {@link #end()}. */
    private IkeSaEnd cause;

    private boolean everEstablished;
    /** When it was established (or made by a rekey), epoch ms; 0 before. */
    private long establishedAt;

    IkeSaLifecycle(IkeSa sa, SaShared shared, boolean originalInitiator) {
        this.sa = sa;
        this.shared = shared;
        this.timers = new SaTimers(shared.scheduler(), sa.exec());
        this.liveness = new DeadPeerDetection(sa, shared.scheduler());
        this.keepalive = new NatKeepalive(sa, shared.scheduler());
        this.state = originalInitiator ? IkeSaState.CONNECTING : IkeSaState.HALF_OPEN;
    }

    IkeSaState state() {
        return state;
    }

    CompletableFuture<IkeSaInfo> established() {
        return established != null ? established : CompletableFuture.completedFuture(sa.info());
    }

    /** Completes {@code established} (its callers run now) and forgets it. */
    private void completeEstablished(IkeSaInfo info) {
        CompletableFuture<IkeSaInfo> f = established;
        established = null;
        f.complete(info);
    }

    CompletableFuture<String> closed() {
        return closed;
    }

    /** Dead peer detection (issue 10): told of every authentic message from the peer. */
    DeadPeerDetection liveness() {
        return liveness;
    }

    /** NAT-keepalives (issue 10): told of every datagram we send the peer. */
    NatKeepalive keepalive() {
        return keepalive;
    }

    void onClose(Runnable r) {
        onClose.add(r);
    }

    /** Names why the SA is about to end, before it is deleted or closed; the first cause named wins. */
    void ending(IkeSaEnd why) {
        if (cause == null && state != IkeSaState.CLOSED) {
            cause = why;
        }
    }

    /** Why the SA ended: FAILED if it never was established, else the cause named, else LOCAL_DELETE. */
    IkeSaEnd end() {
        return !everEstablished ? IkeSaEnd.FAILED : cause != null ? cause : IkeSaEnd.LOCAL_DELETE;
    }

    /** Whether the SA was established when it closed (or is now). */
    boolean wasEstablished() {
        return everEstablished || state == IkeSaState.ESTABLISHED;
    }

    /**
     * The peer did not answer a liveness check (RFC 7296 §2.4): it is gone, so the SA closes without a Delete
     * exchange, after the {@code livenessFailed} event.
     */
    void deadPeer(String reason) {
        if (state == IkeSaState.CLOSED) {
            return;
        }
        ending(IkeSaEnd.DEAD_PEER);
        LOG.debug("IKE_SA {} dead peer: {}", sa.name(), reason);
        shared.outputs().events().livenessFailed(sa.info(), reason);
        close("dead peer: " + reason, true);
    }

    /** IKE_SA_INIT is done; a responder drops the SA if IKE_AUTH does not complete in time (§2.4). */
    void keyed(boolean responder) {
        state = IkeSaState.HALF_OPEN;
        if (responder) {
            ExchangeSettings s = shared.settings();
            timers.halfOpen(s.halfOpenTimeout(), () -> {
                if (state == IkeSaState.HALF_OPEN) {
                    fail("half-open for " + s.halfOpenTimeout().toSeconds() + " s without IKE_AUTH");
                }
            });
        }
    }

    /** Initiator: our IKE_AUTH request is about to go. */
    void authenticating() {
        state = IkeSaState.AUTHENTICATING;
    }

    /**
     * Established: the IKE SA is renewed at its renewal time and deleted at its hard limit if still there. Its
     * CHILD_SAs are installed ({@code children}) only now, so none is announced for an SA that never was; the IKE
     * SA's own event follows and lists them.
     */
    void established(String localAuth, Runnable children) {
        state = IkeSaState.ESTABLISHED;
        if (sa.auth().peerId() != null) {
            shared.live().authenticated(sa, InitialContact.pair(sa)); // §2.4: what a later INITIAL_CONTACT closes
        }
        children.run();
        IkeSaInfo info = sa.info();
        LOG.debug(
                "IKE_SA {} established: {} <-> {} {}, {}",
                sa.name(),
                IkeSaInfo.address(info.local()),
                IkeSaInfo.address(info.remote()),
                info.suite().describe(),
                localAuth);
        shared.outputs().events().ikeSaEstablished(info);
        completeEstablished(info);
        startLifetime();
    }

    /**
     * Made by an IKE SA rekey (§2.18): its CHILD_SAs come from the old SA; fresh lifetime timers. Until the rekeyed
     * event announced it ({@code announced}), its end is not announced either: it may be a collision's loser.
     */
    void establishedByRekey(boolean announced) {
        unannounced = !announced;
        if (state != IkeSaState.ESTABLISHED && !announced) {
            state = IkeSaState.ESTABLISHED;
            if (sa.auth().peerId() != null) {
                shared.live().authenticated(sa, InitialContact.pair(sa)); // §2.4, as for any established SA
            }
            completeEstablished(sa.info());
            startLifetime();
        }
    }

    /** Replaced by a new IKE SA (§2.18): no renewal, liveness or hard limit of its own any more, only its end. */
    void rekeyedAway() {
        if (state == IkeSaState.ESTABLISHED) {
            ending(IkeSaEnd.REKEYED);
            state = IkeSaState.REKEYED;
            timers.stop();
            liveness.stop();
            keepalive.stop();
        }
    }

    /** When it was established or made by a rekey, epoch ms; 0 before. */
    long establishedAt() {
        return establishedAt;
    }

    /** When its renewal (rekey or reauthentication) is due, epoch ms; 0 when none waits. */
    long renewalAt() {
        return timers.renewalAt();
    }

    /** Renewal (rekey or reauthentication) at its jittered time, liveness, and the hard limit (issue 10). */
    private void startLifetime() {
        establishedAt = shared.scheduler().clock().millis();
        var lifetimes = sa.connection().config().lifetimes();
        var limit = lifetimes.hardLimit();
        liveness.start();
        keepalive.start();
        timers.established(
                limit,
                () -> {
                    if (state == IkeSaState.ESTABLISHED) {
                        ending(IkeSaEnd.EXPIRED);
                        delete("lifetime " + limit + " expired");
                    }
                },
                IkeSaRenewal.delay(lifetimes, shared.random()),
                () -> {
                    if (state == IkeSaState.ESTABLISHED) {
                        IkeSaRenewal.renew(sa);
                    }
                });
    }

    /** Deletes the IKE SA with its CHILD_SAs (§1.4.1), or closes it at once when it is not established. */
    void delete(String reason) {
        if (state != IkeSaState.ESTABLISHED) {
            close(reason, true);
            return;
        }
        state = IkeSaState.DELETING;
        sa.tasks().queue(new IkeSaDeleteInitiator(sa, reason));
    }

    /** Gives up on an SA that is not established; established ones are {@link #close}d. */
    void fail(String reason) {
        if (state == IkeSaState.CLOSED) {
            return;
        }
        boolean wasEstablished = state == IkeSaState.ESTABLISHED || state == IkeSaState.DELETING;
        if (!wasEstablished && state != IkeSaState.REKEYED) { // a rekeyed SA did its job: no failure to report
            LOG.debug("IKE_SA {} failed: {}", sa.name(), reason);
            shared.outputs().events().ikeSaFailed(sa.info(), reason);
            if (established != null) {
                established.completeExceptionally(new IkeSaFailure(reason));
            }
        }
        close(reason, wasEstablished);
    }

    /**
     * Ends the SA: timers stop, CHILD_SAs are removed from the installer, keys destroyed; the SPI stays registered
     * for {@link ExchangeSettings#closedLinger()} so a retransmitted last request still gets its cached answer.
     */
    void close(String reason, boolean announce) {
        if (state == IkeSaState.CLOSED) {
            return;
        }
        boolean wasEstablished = state == IkeSaState.ESTABLISHED || state == IkeSaState.DELETING;
        everEstablished = wasEstablished || state == IkeSaState.REKEYED;
        state = IkeSaState.CLOSED;
        sa.tasks().stop();
        timers.stop();
        liveness.stop();
        keepalive.stop();
        IkeSaInfo info = sa.info();
        sa.children().removeAll(shared.outputs(), info, sa.name(), "IKE SA closed: " + reason);
        sa.destroyKeys();
        if (established != null) {
            established.completeExceptionally(new IkeSaFailure(reason));
        }
        if (wasEstablished && announce && !unannounced) {
            LOG.debug("IKE_SA {} deleted: {}", sa.name(), reason);
            shared.outputs().events().ikeSaDeleted(info, reason);
        }
        shared.outputs().tokenTime().take(IkeSa.hex(sa.spiI()));
        onClose.forEach(Runnable::run);
        closed.complete(reason);
        ExchangeSettings s = shared.settings();
        if (s.closedLinger().isZero()
                || sa.ourSpi() == 0
                || !sa.tasks().hasCachedResponse()
                || shared.scheduler().schedule(s.closedLinger(), this::unregister) == null) {
            unregister();
        }
    }

    private void unregister() {
        if (sa.ourSpi() != 0) {
            shared.spis().unregister(sa.ourSpi(), sa);
        }
    }
}
