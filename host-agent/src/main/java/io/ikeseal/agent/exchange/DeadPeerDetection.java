package io.ikeseal.agent.exchange;

import java.time.Duration;

import io.ikeseal.agent.sa.IkeSaState;

/**
 * Dead peer detection for one established IKE SA (RFC 7296 §1.4, §2.4; {@code dpd-delay}): when nothing authentic
 * came from the peer for the delay, an empty INFORMATIONAL ({@link LivenessCheckInitiator}) asks whether it is
 * alive; while messages arrive no check is sent. A check without an answer after every retransmission ends the SA
 * without a Delete exchange (the peer is gone), so a dead peer's SAs go within the delay plus
 * {@link io.ikeseal.agent.config.ExchangeSettings#giveUpAfter()}. Runs on the SA's executor.
 */
final class DeadPeerDetection {
    private final IkeSa sa;
    private final Scheduler scheduler;
    /** Epoch milliseconds of the scheduler's clock: a long, so the per-message update allocates nothing. */
    private long lastHeard;

    private Duration delay = Duration.ZERO;
    private Scheduler.Timer timer;
    private boolean checking;

    DeadPeerDetection(IkeSa sa, Scheduler scheduler) {
        this.sa = sa;
        this.scheduler = scheduler;
        this.lastHeard = scheduler.clock().millis();
    }

    /** An authentic message (request or response) arrived from the peer. */
    void heard() {
        lastHeard = scheduler.clock().millis();
    }

    /** The SA is established: watch the peer when the connection asks for it. */
    void start() {
        delay = sa.connection().config().liveness().dpdDelay();
        if (!delay.isZero()) {
            arm(delay);
        }
    }

    void stop() {
        Scheduler.cancel(timer);
        timer = null;
        delay = Duration.ZERO;
    }

    private void arm(Duration after) {
        timer = scheduler.schedule(after, () -> sa.exec().execute(this::due));
    }

    private void due() {
        if (delay.isZero() || sa.state() != IkeSaState.ESTABLISHED) {
            return; // stopped, or the SA is going anyway
        }
        if (checking) {
            arm(delay); // the last check is still being retransmitted: its outcome decides
            return;
        }
        Duration silence = Duration.ofMillis(scheduler.clock().millis() - lastHeard);
        if (silence.compareTo(delay) < 0) {
            arm(delay.minus(silence)); // traffic flowed: the next check is one delay after the last message
            return;
        }
        checking = true;
        LivenessCheckInitiator check = new LivenessCheckInitiator(sa);
        var _ = check.alive().thenRun(() -> checking = false);
        sa.tasks().queue(check);
        arm(delay);
    }
}
