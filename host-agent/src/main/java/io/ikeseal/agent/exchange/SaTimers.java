package io.ikeseal.agent.exchange;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The timers of one IKE SA, each firing on the SA's executor: the responder's limit for completing IKE_AUTH (RFC
 * 7296 §2.4 half-open SAs), the SA's renewal (§2.8) and its hard limit. All stop when the SA closes.
 */
final class SaTimers {
    private final Scheduler scheduler;
    private final Executor exec;
    private Scheduler.Timer halfOpen;
    private Scheduler.Timer lifetime;
    private Scheduler.Timer renewal;

    SaTimers(Scheduler scheduler, Executor exec) {
        this.scheduler = scheduler;
        this.exec = exec;
    }

    void halfOpen(Duration limit, Runnable expired) {
        halfOpen = scheduler.schedule(limit, () -> exec.execute(expired));
    }

    /** Established: the half-open limit no longer applies; the lifetime starts. */
    void established(Duration life, Runnable expired) {
        Scheduler.cancel(halfOpen);
        if (!life.isZero()) {
            lifetime = scheduler.schedule(life, () -> exec.execute(expired));
        }
    }

    /** The rekey or reauthentication of an established SA (zero: never). */
    void renewal(Duration after, Runnable due) {
        if (!after.isZero()) {
            renewal = scheduler.schedule(after, () -> exec.execute(due));
        }
    }

    void stop() {
        Scheduler.cancel(halfOpen);
        Scheduler.cancel(lifetime);
        Scheduler.cancel(renewal);
    }
}
