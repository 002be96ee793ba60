package io.ikeseal.agent.daemon;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;

/** Keeps every SA event of one daemon, so a test can wait for the one of an SA (by its initiator SPI). */
final class EventRecorder implements SaEvents {
    enum Kind {
        ESTABLISHED,
        FAILED,
        DELETED,
        CHILD_ESTABLISHED,
        CHILD_FAILED,
        /** livenessFailed: the peer did not answer a liveness check. */
        DEAD
    }

    /** @param detail the reason of a failure or deletion, the child's name for CHILD_FAILED otherwise null */
    record Event(Kind kind, IkeSaInfo sa, String detail, ChildSaRecord child) {}

    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Override
    public void ikeSaEstablished(IkeSaInfo sa) {
        events.add(new Event(Kind.ESTABLISHED, sa, null, null));
    }

    @Override
    public void ikeSaFailed(IkeSaInfo sa, String reason) {
        events.add(new Event(Kind.FAILED, sa, reason, null));
    }

    @Override
    public void ikeSaDeleted(IkeSaInfo sa, String reason) {
        events.add(new Event(Kind.DELETED, sa, reason, null));
    }

    @Override
    public void childSaEstablished(IkeSaInfo ikeSa, ChildSaRecord child) {
        events.add(new Event(Kind.CHILD_ESTABLISHED, ikeSa, null, child));
    }

    @Override
    public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
        events.add(new Event(Kind.CHILD_FAILED, ikeSa, child + ": " + reason, null));
    }

    @Override
    public void livenessFailed(IkeSaInfo sa, String reason) {
        events.add(new Event(Kind.DEAD, sa, reason, null));
    }

    /** The first event of {@code kind} for the SA with initiator SPI {@code spiI}, waiting at most 10 s. */
    Event await(Kind kind, long spiI) {
        Scenario.await(kind + " event for SPIi " + Scenario.hex(spiI), () -> find(kind, spiI) != null);
        return find(kind, spiI);
    }

    /** The one event of {@code kind} there is so far, waiting at most 10 s for it (for SAs whose SPI we do not know). */
    Event awaitOnly(Kind kind) {
        Scenario.await("a " + kind + " event", () -> !of(kind).isEmpty());
        List<Event> e = of(kind);
        if (e.size() != 1) {
            throw new AssertionError("expected one " + kind + " event, got " + e);
        }
        return e.getFirst();
    }

    List<Event> of(Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    private Event find(Kind kind, long spiI) {
        return events.stream()
                .filter(e -> e.kind() == kind && e.sa().spiI() == spiI)
                .findFirst()
                .orElse(null);
    }

    @Override
    public String toString() {
        return events.toString();
    }
}
