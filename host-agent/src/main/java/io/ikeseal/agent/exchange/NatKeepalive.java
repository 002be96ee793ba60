package io.ikeseal.agent.exchange;

import java.time.Duration;

import io.ikeseal.agent.sa.IkeSaState;

/**
 * NAT-keepalives for one established IKE SA (RFC 3948 §2.3, RFC 7296 §2.23; {@code ike.nat-keepalive}): when
 * IKE_SA_INIT found that we are behind a NAT (the peer's NAT_DETECTION_DESTINATION_IP did not match us), a one-octet
 * 0xFF datagram goes to the peer from the NAT-T socket whenever we sent nothing for the interval, so the NAT keeps its
 * mapping and the peer can still reach us. Runs on the SA's executor.
 */
final class NatKeepalive {
    private final IkeSa sa;
    private final Scheduler scheduler;
    /** Epoch milliseconds of the scheduler's clock: a long, so the per-message update allocates nothing. */
    private long lastSent;

    private Duration interval = Duration.ZERO;
    private Scheduler.Timer timer;

    NatKeepalive(IkeSa sa, Scheduler scheduler) {
        this.sa = sa;
        this.scheduler = scheduler;
    }

    /** We sent the peer a datagram: that refreshes the NAT's mapping as well as a keepalive would. */
    void sent() {
        if (!interval.isZero()) {
            lastSent = scheduler.clock().millis();
        }
    }

    /** Established: keep the NAT's mapping when we are behind one and keepalives are configured. */
    void start() {
        Duration every = sa.settings().limits().natKeepalive();
        if (every.isZero() || sa.init() == null || !sa.init().nat().localBehindNat()) {
            return;
        }
        interval = every;
        lastSent = scheduler.clock().millis();
        arm(interval);
    }

    void stop() {
        Scheduler.cancel(timer);
        timer = null;
        interval = Duration.ZERO;
    }

    private void arm(Duration after) {
        timer = scheduler.schedule(after, () -> sa.exec().execute(this::due));
    }

    private void due() {
        if (interval.isZero() || sa.state() == IkeSaState.CLOSED) {
            return;
        }
        Duration quiet = Duration.ofMillis(scheduler.clock().millis() - lastSent);
        if (quiet.compareTo(interval) < 0) {
            arm(interval.minus(quiet));
            return;
        }
        var _ = sa.path().sendNatKeepalive().exceptionally(e -> null); // lost like any datagram; the next one follows
        sa.outputs().counters().countSa("nat-keepalive-sent");
        lastSent = scheduler.clock().millis();
        arm(interval);
    }
}
