package io.ikeseal.agent.exchange;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A bounded queue for the token work of admitted IKE_SA_INIT requests (key generation and derivation): at most
 * {@code slots} run at once, {@code waiting} more wait in arrival order, the rest are refused. So new SAs can never
 * fill the token's queue ahead of the IKE_AUTH work of SAs that already proved their address (a completed
 * IKE_SA_INIT, RFC 7296 §2.6), which does not pass here. Thread-safe; jobs run outside the lock.
 */
final class InitWork {
    /** One request's place: it frees its slot once, and only if it got one. */
    final class Ticket {
        /** Null once started: the job holds the IKE_SA_INIT request, and the ticket lives as long as its SA. */
        private Consumer<Ticket> job;

        private boolean started;
        private boolean finished;

        private Ticket(Consumer<Ticket> job) {
            this.job = job;
        }

        /** Its token work is over (answered or failed) or its SA closed: the next request may start. */
        void done() {
            Ticket next;
            Consumer<Ticket> work;
            synchronized (InitWork.this) {
                if (finished) {
                    return;
                }
                finished = true;
                if (!started) {
                    queue.remove(this);
                    return;
                }
                running--;
                next = running < slots.getAsInt() ? queue.poll() : null; // the slots may have shrunk meanwhile
                if (next == null) {
                    return;
                }
                running++;
                work = next.take();
            }
            work.accept(next);
        }

        /** Started: its job runs now, and is not kept (call with InitWork's lock held). */
        private Consumer<Ticket> take() {
            Consumer<Ticket> j = job;
            job = null;
            started = true;
            return j;
        }
    }

    private final IntSupplier slots;
    private final int waiting;
    private final Deque<Ticket> queue = new ArrayDeque<>();
    private int running;

    InitWork(int slots, int waiting) {
        this(() -> slots, waiting);
    }

    /** With as many slots as {@code slots} says at each start: fewer under load (ResponderSessions). */
    InitWork(IntSupplier slots, int waiting) {
        this.slots = slots;
        this.waiting = waiting;
    }

    /** Whether a new request would find neither a slot nor a place in the queue. */
    synchronized boolean full() {
        return running >= slots.getAsInt() && queue.size() >= waiting;
    }

    /** A place for {@code job}, given its ticket to call {@link Ticket#done} with; {@link #start} runs or queues it. */
    Ticket ticket(Consumer<Ticket> job) {
        return new Ticket(job);
    }

    /** Runs the ticket's job now if a slot is free, else queues it (the caller checked {@link #full} first). */
    void start(Ticket t) {
        Consumer<Ticket> work;
        synchronized (this) {
            if (t.finished) {
                return;
            }
            if (running >= slots.getAsInt()) {
                queue.add(t);
                return;
            }
            running++;
            work = t.take();
        }
        work.accept(t);
    }

    synchronized int running() {
        return running;
    }

    synchronized int waiting() {
        return queue.size();
    }
}
