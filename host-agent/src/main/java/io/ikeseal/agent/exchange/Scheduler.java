package io.ikeseal.agent.exchange;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Timers and the clock of the exchanges: retransmissions (RFC 7296 §2.1), half-open expiry (§2.4), SA lifetimes and
 * the closed SA's linger. The daemon uses a thread; tests use a manual one that runs what is due when told to.
 */
public interface Scheduler {

    /** A scheduled task that may still be cancelled. */
    interface Timer {
        void cancel();
    }

    /** Runs {@code task} after {@code delay}; null once the scheduler is stopped (the daemon is shutting down). */
    Timer schedule(Duration delay, Runnable task);

    Clock clock();

    /** Timers on {@code timers}, time from {@code clock}. */
    static Scheduler of(ScheduledExecutorService timers, Clock clock) {
        return new Scheduler() {
            @Override
            public Timer schedule(Duration delay, Runnable task) {
                try {
                    ScheduledFuture<?> f = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                    return () -> f.cancel(false);
                } catch (RejectedExecutionException e) {
                    return null;
                }
            }

            @Override
            public Clock clock() {
                return clock;
            }
        };
    }

    static void cancel(Timer t) {
        if (t != null) {
            t.cancel();
        }
    }
}
