package io.ikeseal.agent.exchange;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: an IKE SA's state is touched only from its own
 * serial executor, so exchanges for one SA are processed in order (RFC 7296 §2.3) without locks, while different SAs
 * run in parallel. A task that throws is logged and does not stop the queue.
 *
 * <p>Bounded: a received datagram is queued by {@link #offer} only while fewer than {@code datagramLimit} tasks wait,
 * else it is refused and the caller drops and counts it, as a full socket buffer would (the sender retransmits,
 * §2.1). The SA's own continuations and timers ({@link #execute}) are always queued: there is at most one per token
 * call or timer the SA started, so they are bounded by the SA's own work, not by what peers send.
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    /**
     * Datagrams one IKE SA may have waiting: a peer keeps at most a window of requests in flight (we announce at most
     * {@link io.ikeseal.agent.config.ExchangeSettings#MAX_WINDOW_SIZE}), each in a few fragments (RFC 7383), and the
     * SA's thread handles a small one in microseconds; more waiting at once is a flood, not a peer.
     */
    static final int SA_DATAGRAMS = 256;

    private final Executor pool;
    private final int datagramLimit;
    /** Sized for an idle SA (ArrayDeque grows): the default 16 slots were kept by every established SA. */
    private final Queue<Runnable> tasks = new ArrayDeque<>(1);

    private boolean running;

    SerialExecutor(Executor pool) {
        this(pool, SA_DATAGRAMS);
    }

    SerialExecutor(Executor pool, int datagramLimit) {
        if (datagramLimit < 1) {
            throw new IllegalArgumentException("datagram limit " + datagramLimit);
        }
        this.pool = pool;
        this.datagramLimit = datagramLimit;
    }

    /** Queues the SA's own work (a continuation, a timer, a command): always accepted while the pool runs. */
    @Override
    public void execute(Runnable task) {
        submit(task, Integer.MAX_VALUE);
    }

    /**
     * Queues the handling of a received datagram unless {@code datagramLimit} tasks already wait; false means it was
     * not queued and the caller drops and counts the datagram.
     */
    boolean offer(Runnable datagramTask) {
        return submit(datagramTask, datagramLimit);
    }

    /** Tasks waiting (not the one running). */
    int waiting() {
        synchronized (tasks) {
            return tasks.size();
        }
    }

    private boolean submit(Runnable task, int limit) {
        synchronized (tasks) {
            if (tasks.size() >= limit) {
                return false;
            }
            tasks.add(task);
            if (running) {
                return true;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The daemon is stopping: its pool takes no more work, and neither does this SA.
            synchronized (tasks) {
                tasks.clear();
                running = false;
            }
            LOG.debug("IKE SA task dropped: the daemon is stopping");
        }
        return true;
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (tasks) {
                next = tasks.poll();
                if (next == null) {
                    running = false;
                    return;
                }
            }
            try {
                next.run();
            } catch (RuntimeException | Error e) {
                LOG.error("IKE SA task failed: {}", e.toString(), e);
            }
        }
    }
}
