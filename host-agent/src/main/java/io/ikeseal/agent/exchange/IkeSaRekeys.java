package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;

/**
 * The IKE SA rekeys of one (old) IKE SA (RFC 7296 §2.18, §2.8.2): ours in flight, and the peer's that we answered
 * meanwhile. When only one completes, its new SA takes the CHILD_SAs and the old SA is deleted by that exchange's
 * initiator. When both complete, the new SA made by the exchange with the lowest of the four nonces is deleted by
 * the end that initiated that exchange, and the other one survives. The end that is not to delete an SA gives up
 * waiting for the peer's Delete after {@code giveUpAfter()}. Runs on the old SA's executor.
 */
final class IkeSaRekeys {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSaRekeys.class);

    /** A completed rekey exchange: the new SA, its nonces, and whether we initiated it. */
    record Outcome(IkeSa now, byte[] ni, byte[] nr, boolean ours) {
        byte[] lowestNonce() {
            return Arrays.compareUnsigned(ni, nr) <= 0 ? ni : nr;
        }
    }

    private final List<CompletableFuture<IkeSaInfo>> waiting = new ArrayList<>();
    private boolean inFlight;
    private Outcome theirs;

    /** Our rekey exchange is about to start; {@code done} completes with the surviving new SA. */
    boolean start(CompletableFuture<IkeSaInfo> done) {
        waiting.add(done);
        if (inFlight) {
            return false; // one of ours at a time: this caller waits for it
        }
        inFlight = true;
        return true;
    }

    boolean inFlight() {
        return inFlight;
    }

    /** We answered the peer's rekey: done unless ours is in flight, whose end decides (§2.8.2). */
    void answered(IkeSa old, Outcome o) {
        if (inFlight) {
            theirs = o;
        } else {
            conclude(old, o, null);
        }
    }

    /** Our exchange completed with {@code o}. */
    void completed(IkeSa old, Outcome o) {
        inFlight = false;
        if (theirs == null) {
            conclude(old, o, null);
        } else if (Arrays.compareUnsigned(o.lowestNonce(), theirs.lowestNonce()) < 0) {
            conclude(old, theirs, o); // ours has the lowest nonce: we delete ours
        } else {
            conclude(old, o, theirs); // the peer deletes its own
        }
    }

    /** Our exchange failed (answered with an error, or the token failed): the peer's, if any, is the rekey. */
    void failed(IkeSa old, Throwable why) {
        inFlight = false;
        if (theirs != null) {
            conclude(old, theirs, null);
        } else {
            List<CompletableFuture<IkeSaInfo>> w = List.copyOf(waiting);
            waiting.clear();
            w.forEach(f -> f.completeExceptionally(why));
        }
    }

    /** Our rekey could not work (the token lost the old SK_d): the reauthentication replacing it answers instead. */
    void failedOver(CompletableFuture<IkeSaInfo> reauth) {
        inFlight = false;
        List<CompletableFuture<IkeSaInfo>> w = List.copyOf(waiting);
        waiting.clear();
        Continuations.inline(
                reauth,
                (info, e) -> w.forEach(f -> {
                    if (e == null) {
                        f.complete(info);
                    } else {
                        f.completeExceptionally(e);
                    }
                }));
    }

    /**
     * The peer deletes this SA: if we answered its rekey while ours was in flight, the peer's exchange completed
     * without seeing ours (it deletes the old SA only as the survivor's initiator), so its new SA takes the CHILD_SAs.
     */
    void deletedByPeer(IkeSa old) {
        if (theirs != null && old.state() == IkeSaState.ESTABLISHED) {
            inFlight = false;
            conclude(old, theirs, null);
        }
    }

    /** Whether a further attempt of ours is pointless: the peer's rekey replaced the SA. */
    boolean replaced() {
        return theirs != null;
    }

    private void conclude(IkeSa old, Outcome winner, Outcome loser) {
        theirs = null;
        if (old.state() != IkeSaState.ESTABLISHED) {
            // e.g. the SA is being deleted: nothing moves, the new SAs go too (§2.25.1)
            quietEnd(winner);
            if (loser != null) {
                quietEnd(loser);
            }
            failed(old, new IkeSaFailure("the IKE SA ended during its rekey"));
            return;
        }
        IkeSaInfo before = old.info();
        IkeSa now = winner.now();
        old.children().moveTo(now);
        old.life().rekeyedAway();
        endLater(old, winner.ours(), "rekeyed");
        if (loser != null) {
            loser.now().exec().execute(loser.now().life()::rekeyedAway);
            endLater(loser.now(), loser.ours(), "redundant rekey (RFC 7296 §2.8.2)");
        }
        List<CompletableFuture<IkeSaInfo>> w = List.copyOf(waiting);
        waiting.clear();
        now.exec().execute(() -> {
            now.life().establishedByRekey(true);
            IkeSaInfo after = now.info();
            LOG.debug("IKE_SA {} rekeyed to {}", IkeSa.hex(before.spiI()), now.name());
            now.outputs().events().ikeSaRekeyed(before, after, false);
            w.forEach(f -> f.complete(after));
        });
    }

    /** The initiator of the exchange deletes {@code sa}; the other end closes it if that Delete never comes. */
    private static void endLater(IkeSa sa, boolean weDelete, String reason) {
        sa.exec().execute(() -> {
            if (sa.isClosed()) {
                return;
            }
            if (weDelete) {
                sa.tasks().queue(new IkeSaDeleteInitiator(sa, reason));
            } else {
                Scheduler.Timer t = sa.shared()
                        .scheduler()
                        .schedule(
                                sa.settings().giveUpAfter(),
                                () -> sa.exec()
                                        .execute(() -> sa.close(reason + ", the peer did not delete it", false)));
                sa.onClose(() -> Scheduler.cancel(t)); // the usual end is the peer's Delete: no timer keeps the SA
            }
        });
    }

    /** A new SA whose old one ended meanwhile: deleted at once, at both ends, without announcing it. */
    private static void quietEnd(Outcome o) {
        o.now().exec().execute(o.now().life()::rekeyedAway);
        endLater(o.now(), true, "its IKE SA ended during the rekey");
    }
}
