package io.ikeseal.agent.dataplane;

import java.util.concurrent.atomic.LongAdder;

import io.ikeseal.agent.esp.EspDrop;

/**
 * Packets the userspace data plane dropped, by {@link EspDrop}, and the few failures that are no ESP verdict: a
 * datagram the transport could not send, a packet the TUN device refused, an unexpected exception. Counted from
 * reader threads and event loops at once, hence LongAdders; counting allocates nothing.
 */
public final class DataPlaneCounters {
    private final LongAdder[] drops = new LongAdder[EspDrop.values().length];
    private final LongAdder unsent = new LongAdder();
    private final LongAdder tunWriteFailures = new LongAdder();
    private final LongAdder internalErrors = new LongAdder();

    DataPlaneCounters() {
        for (int i = 0; i < drops.length; i++) {
            drops[i] = new LongAdder();
        }
    }

    void count(EspDrop drop) {
        countCode(drop.code());
    }

    /** Counts the drop of a negative {@link EspDrop#code()}, as {@code EspOpener.open} returns it. */
    void countCode(int code) {
        drops[-1 - code].increment();
    }

    void countUnsent() {
        unsent.increment();
    }

    void countTunWriteFailure() {
        tunWriteFailures.increment();
    }

    void countInternalError() {
        internalErrors.increment();
    }

    /** Packets dropped for {@code drop}. */
    public long dropped(EspDrop drop) {
        return drops[-1 - drop.code()].sum();
    }

    /** Sealed datagrams the transport had no NAT-T socket for. */
    public long unsent() {
        return unsent.sum();
    }

    /** Opened inner packets the TUN device did not take. */
    public long tunWriteFailures() {
        return tunWriteFailures.sum();
    }

    /** Packets dropped because sealing, opening or parsing threw. */
    public long internalErrors() {
        return internalErrors.sum();
    }

    /** One line for logs: each non-zero counter, or "no drops". */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (EspDrop d : EspDrop.values()) {
            append(b, d.name(), dropped(d));
        }
        append(b, "UNSENT", unsent());
        append(b, "TUN_WRITE_FAILED", tunWriteFailures());
        append(b, "INTERNAL_ERROR", internalErrors());
        return b.isEmpty() ? "no drops" : b.toString();
    }

    private static void append(StringBuilder b, String name, long n) {
        if (n != 0) {
            b.append(b.isEmpty() ? "" : ", ").append(name).append(' ').append(n);
        }
    }

    @Override
    public String toString() {
        return "DataPlaneCounters[" + describe() + "]";
    }
}
