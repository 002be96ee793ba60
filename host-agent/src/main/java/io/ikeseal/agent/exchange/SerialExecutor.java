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
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);
    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
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
