package io.ikeseal.hsm.token;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.api.Urgency;

/**
 * A token's own bounded executor: as many threads as the token can serve at once and three bounded queues, so a
 * flood of handshakes is refused rather than queued without limit, and cannot delay the work of peers that proved
 * themselves. A free thread takes the oldest {@link Urgency#HIGH} operation, a {@link Urgency#LOW} one only when
 * no HIGH one waits, and an {@link Urgency#IDLE} one only when neither waits; each queue is first come, first served
 * and refuses beyond its own bound, so a full LOW or IDLE queue never refuses more urgent work. A running operation
 * is never pre-empted (a PKCS#11 call cannot be).
 */
final class TokenExecutor {
    static final int QUEUE_PER_THREAD = 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TokenExecutor.class);
    private static final ThreadLocal<Boolean> ON_TOKEN_THREAD = ThreadLocal.withInitial(() -> false);

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final Condition ended = lock.newCondition();
    private final Deque<Runnable> high = new ArrayDeque<>();
    private final Deque<Runnable> low = new ArrayDeque<>();
    private final Deque<Runnable> idle = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean shutdown;
    private int alive;

    TokenExecutor(String tokenName, int threads) {
        this(tokenName, threads, threads * QUEUE_PER_THREAD);
    }

    /** @param capacity operations each queue holds besides those running */
    TokenExecutor(String tokenName, int threads, int capacity) {
        if (threads < 1 || capacity < 1) {
            throw new IllegalArgumentException("token executor needs a thread and a queue");
        }
        this.capacity = capacity;
        var factory =
                Thread.ofPlatform().daemon().name("token-" + tokenName + "-", 0).factory();
        lock.lock();
        try {
            for (int i = 0; i < threads; i++) {
                Thread t = factory.newThread(this::work);
                this.threads.add(t);
                alive++;
            }
        } finally {
            lock.unlock();
        }
        this.threads.forEach(Thread::start);
    }

    /** Queues {@code task} as {@code urgency}; refused if this executor is shut down or that queue is full. */
    void execute(Urgency urgency, Runnable task) {
        lock.lock();
        try {
            if (shutdown) {
                throw new RejectedExecutionException("token executor shut down");
            }
            Deque<Runnable> lane = switch (urgency) {
                case HIGH -> high;
                case LOW -> low;
                case IDLE -> idle;
            };
            if (lane.size() >= capacity) {
                throw new RejectedExecutionException(urgency + " queue full");
            }
            lane.add(task);
            waiting.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Operations waiting in all queues. */
    int queued() {
        lock.lock();
        try {
            return high.size() + low.size() + idle.size();
        } finally {
            lock.unlock();
        }
    }

    boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    /** Takes no more work, lets queued work finish for up to 10 s, then interrupts and drops what is left. */
    void shutdownAndWait() {
        lock.lock();
        try {
            shutdown = true;
            waiting.signalAll();
            long nanos = TimeUnit.SECONDS.toNanos(10);
            while (alive > 0 && nanos > 0) {
                nanos = ended.awaitNanos(nanos);
            }
            if (alive > 0) {
                abandon();
            }
        } catch (InterruptedException e) {
            abandon();
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Drops what still waits and interrupts the threads (the lock is held). */
    private void abandon() {
        high.clear();
        low.clear();
        idle.clear();
        threads.forEach(Thread::interrupt);
    }

    /** Whether the calling thread is some token's executor thread (where token futures complete). */
    static boolean onTokenThread() {
        return ON_TOKEN_THREAD.get();
    }

    private void work() {
        ON_TOKEN_THREAD.set(true);
        while (true) {
            Runnable next = take();
            if (next == null) {
                return;
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) { // Token.call's body catches its own; this is a bug, not a fault
                LOG.error("token operation failed outside its call: {}", e.toString(), e);
            }
        }
    }

    /** The next operation, HIGH first, IDLE last; null once shut down and drained, or interrupted. */
    private Runnable take() {
        lock.lock();
        try {
            while (high.isEmpty() && low.isEmpty() && idle.isEmpty() && !shutdown) {
                waiting.await();
            }
            Runnable next = !high.isEmpty() ? high.poll() : !low.isEmpty() ? low.poll() : idle.poll();
            if (next == null) {
                end();
            }
            return next;
        } catch (InterruptedException e) {
            end();
            return null;
        } finally {
            lock.unlock();
        }
    }

    private void end() {
        alive--;
        ended.signalAll();
    }
}
