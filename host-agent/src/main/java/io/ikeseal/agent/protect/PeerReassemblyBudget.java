package io.ikeseal.agent.protect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Octets of incomplete reassemblies that all IKE SAs with one peer may hold together, so that a peer cannot
 * multiply {@link ReassemblyLimits#maxMessageBytes()} by opening SAs. Shared by that peer's
 * {@link FragmentReassembler}s, which may run on different threads.
 */
public final class PeerReassemblyBudget {
    public static final long DEFAULT_BYTES = 128 * 1024;

    private final long limit;
    private final AtomicLong reserved = new AtomicLong();

    public PeerReassemblyBudget(long limitBytes) {
        if (limitBytes < 1) {
            throw new IllegalArgumentException("a reassembly budget needs room");
        }
        this.limit = limitBytes;
    }

    public PeerReassemblyBudget() {
        this(DEFAULT_BYTES);
    }

    boolean tryReserve(int octets) {
        long now;
        do {
            now = reserved.get();
            if (now + octets > limit) {
                return false;
            }
        } while (!reserved.compareAndSet(now, now + octets));
        return true;
    }

    void release(long octets) {
        reserved.addAndGet(-octets);
    }

    /** Octets held now by this peer's reassemblies. */
    public long reserved() {
        return reserved.get();
    }

    public long limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "PeerReassemblyBudget[" + reserved() + " of " + limit + " octets]";
    }
}
