package io.ikeseal.agent.exchange;

import java.time.Instant;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.sa.ChildSaRecord;

/**
 * One installed CHILD_SA of an IKE SA (RFC 7296 §1.3, §2.8): what the installer holds, the configuration it was made
 * from, where it is in its life and its two timers, the rekey (soft) and the hard expiry. Owned by a
 * {@link ChildSaTable}; runs on its IKE SA's executor.
 */
final class ChildSa {
    /** INSTALLED → REKEYING (our rekey in flight) → REKEYED (a successor is installed) or DELETING (Delete sent). */
    enum State {
        INSTALLED,
        REKEYING,
        REKEYED,
        DELETING
    }

    private final ChildConfig config;
    private ChildSaRecord record;
    private State state = State.INSTALLED;
    private Instant rekeyAt;
    private Instant expireAt;
    private Scheduler.Timer rekeyTimer;
    private Scheduler.Timer expireTimer;
    /** §2.8.1: the CHILD_SA the peer's colliding rekey of this one installed, and the lowest nonce of its exchange. */
    private ChildSa peerSuccessor;

    private byte[] peerLowestNonce;

    ChildSa(ChildSaRecord record, ChildConfig config) {
        this.record = record;
        this.config = config;
    }

    ChildSaRecord record() {
        return record;
    }

    ChildConfig config() {
        return config;
    }

    State state() {
        return state;
    }

    void state(State s) {
        state = s;
    }

    int inboundSpi() {
        return record.inboundSpi();
    }

    int outboundSpi() {
        return record.outboundSpi();
    }

    /** §2.18: the CHILD_SA now belongs to another IKE SA. */
    void rewrite(ChildSaRecord moved) {
        record = moved;
    }

    Instant rekeyAt() {
        return rekeyAt;
    }

    Instant expireAt() {
        return expireAt;
    }

    void timers(Instant rekeyAt, Scheduler.Timer rekey, Instant expireAt, Scheduler.Timer expire) {
        this.rekeyAt = rekeyAt;
        this.rekeyTimer = rekey;
        this.expireAt = expireAt;
        this.expireTimer = expire;
    }

    /** The hard expiry's timer, started when the rekey timer fired. */
    void expireTimer(Scheduler.Timer t) {
        Scheduler.cancel(expireTimer);
        expireTimer = t;
    }

    /** A later rekey attempt replaces the one that fired. */
    void rekeyTimer(Scheduler.Timer t) {
        Scheduler.cancel(rekeyTimer);
        rekeyTimer = t;
    }

    void cancelTimers() {
        Scheduler.cancel(rekeyTimer);
        Scheduler.cancel(expireTimer);
        rekeyTimer = null;
        expireTimer = null;
    }

    /** The peer rekeyed this CHILD_SA while our own rekey of it was in flight (§2.8.1). */
    void peerRekeyed(ChildSa successor, byte[] lowestNonce) {
        peerSuccessor = successor;
        peerLowestNonce = lowestNonce.clone();
    }

    ChildSa peerSuccessor() {
        return peerSuccessor;
    }

    byte[] peerLowestNonce() {
        return peerLowestNonce;
    }

    @Override
    public String toString() {
        return record.describe() + " " + state;
    }
}
