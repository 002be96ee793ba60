package io.ikeseal.agent.exchange;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Timers that run only when a test moves time forward, in due order, on the test's thread. */
final class ManualScheduler implements Scheduler {
    private final List<Entry> timers = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private long seq;

    private final class Entry implements Timer {
        final Instant due;
        final long order = seq++;
        final Runnable task;
        boolean cancelled;

        Entry(Instant due, Runnable task) {
            this.due = due;
            this.task = task;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
            }
        }
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Entry e = new Entry(now.plus(delay), task);
        timers.add(e);
        return e;
    }

    /** Moves time forward by {@code d}, running every timer that falls due (including ones they schedule). */
    void advance(Duration d) {
        Instant until;
        synchronized (this) {
            until = now.plus(d);
        }
        while (true) {
            Entry next;
            synchronized (this) {
                timers.removeIf(t -> t.cancelled);
                next = timers.stream()
                        .filter(t -> !t.due.isAfter(until))
                        .min(Comparator.<Entry, Instant>comparing(t -> t.due).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    now = until;
                    return;
                }
                timers.remove(next);
                now = next.due;
            }
            next.task.run();
        }
    }

    /** Timers not yet run nor cancelled. */
    synchronized int pending() {
        return (int) timers.stream().filter(t -> !t.cancelled).count();
    }

    @Override
    public Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                synchronized (ManualScheduler.this) {
                    return now;
                }
            }
        };
    }
}
