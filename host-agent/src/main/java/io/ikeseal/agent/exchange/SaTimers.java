package io.ikeseal.agent.exchange;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The timers of one IKE SA, each firing on the SA's executor: the responder's limit for completing IKE_AUTH (RFC
 * 7296 §2.4 half-open SAs), the SA's renewal (§2.8) and its hard limit. One timer at a time: an established SA waits
 * for its renewal, and only then for what is left of its hard limit (a timer costs ~130 B, times tens of thousands of
 * SAs). All stop when the SA closes.
 */
final class SaTimers {
    private final Scheduler scheduler;
    private final Executor exec;
    private Scheduler.Timer timer;
    private boolean stopped;
    /** When the renewal is due (epoch ms), 0 when none is: for the control socket's listing. */
    private long renewalAt;

    SaTimers(Scheduler scheduler, Executor exec) {
        this.scheduler = scheduler;
        this.exec = exec;
    }

    void halfOpen(Duration limit, Runnable expired) {
        timer = scheduler.schedule(limit, () -> exec.execute(expired));
    }

    /**
     * Established: the half-open limit no longer applies; the renewal (rekey or reauthentication) is due after
     * {@code renewal}, the hard limit after {@code life} (either zero: never). A renewal not before the hard limit
     * would find the SA gone, so only the limit waits then.
     */
    void established(Duration life, Runnable expired, Duration renewal, Runnable due) {
        Scheduler.cancel(timer);
        timer = null;
        if (!renewal.isZero() && (life.isZero() || renewal.compareTo(life) < 0)) {
            long start = scheduler.clock().millis();
            renewalAt = start + renewal.toMillis();
            timer = scheduler.schedule(
                    renewal,
                    () -> exec.execute(() -> {
                        renewalAt = 0;
                        if (stopped) {
                            return;
                        }
                        if (!life.isZero()) { // the limit still holds while the renewal runs, and if it fails
                            Duration left = life.minusMillis(scheduler.clock().millis() - start);
                            timer = scheduler.schedule(
                                    left.isNegative() ? Duration.ZERO : left, () -> exec.execute(expired));
                        }
                        due.run();
                    }));
        } else if (!life.isZero()) {
            timer = scheduler.schedule(life, () -> exec.execute(expired));
        }
    }

    /** When the renewal (rekey or reauthentication) is due, epoch ms; 0 when none is waiting. */
    long renewalAt() {
        return renewalAt;
    }

    void stop() {
        stopped = true;
        renewalAt = 0;
        Scheduler.cancel(timer);
        timer = null;
    }
}
