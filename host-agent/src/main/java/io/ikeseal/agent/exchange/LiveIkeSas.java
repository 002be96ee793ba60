package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The IKE SAs of one gateway that have not closed yet, whatever their state: those we initiate, those peers start,
 * and those a rekey creates (RFC 7296 §2.18). What needs to look across SAs reads it: the CLI's listings, INITIAL_CONTACT
 * (§2.4, older SAs of the same identities), orderly shutdown. Thread-safe; each SA's own state is read on its executor.
 */
final class LiveIkeSas {
    /** Each live SA with the order it was created in (INITIAL_CONTACT closes only SAs older than its own). */
    private final Map<IkeSa, Long> live = new ConcurrentHashMap<>();

    private final AtomicLong created = new AtomicLong();
    /** Established SAs by identity pair (local ID, authenticated peer ID), written on each SA's executor. */
    private final Map<IkeSa, IdentityPair> identities = new ConcurrentHashMap<>();

    private final List<IkeGateway.SaEndListener> endListeners = new CopyOnWriteArrayList<>();

    /** Who authenticated to whom on an established SA (§2.4 INITIAL_CONTACT compares these). */
    record IdentityPair(String local, String peer) {}

    /** Tracks {@code sa} until it closes. */
    void track(IkeSa sa) {
        live.put(sa, created.incrementAndGet());
        sa.onClose(() -> {
            live.remove(sa);
            identities.remove(sa);
            var l = sa.life();
            String connection = sa.connection() == null ? null : sa.connection().name();
            endListeners.forEach(e -> e.ended(connection, l.wasEstablished(), l.end()));
        });
    }

    /** {@code listener} hears of every SA's end, on that SA's executor. */
    void onEnd(IkeGateway.SaEndListener listener) {
        endListeners.add(listener);
    }

    /** {@code sa} is established between these identities. */
    void authenticated(IkeSa sa, IdentityPair pair) {
        if (live.containsKey(sa)) {
            identities.put(sa, pair);
        }
    }

    /**
     * The established SAs between {@code pair}'s identities created before {@code self}: a peer that starts several
     * SAs at once sends INITIAL_CONTACT on the first, which must not close the others it made together with it.
     */
    List<IkeSa> olderThan(IkeSa self, IdentityPair pair) {
        long mine = live.getOrDefault(self, Long.MAX_VALUE);
        return identities.entrySet().stream()
                .filter(e -> e.getKey() != self
                        && e.getValue().equals(pair)
                        && live.getOrDefault(e.getKey(), Long.MAX_VALUE) < mine)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** {@code sa}'s identity pair once established, else null. */
    IdentityPair pairOf(IkeSa sa) {
        return identities.get(sa);
    }

    /** Whether an established SA of {@code connection} exists (connection supervision: is it up?). */
    boolean anyEstablished(String connection) {
        return identities.keySet().stream()
                .anyMatch(s -> s.connection() != null && s.connection().name().equals(connection));
    }

    /** A snapshot. */
    List<IkeSa> all() {
        return List.copyOf(live.keySet());
    }

    /** The live SA with initiator SPI {@code spiI}. */
    Optional<IkeSa> withInitiatorSpi(long spiI) {
        return live.keySet().stream().filter(s -> s.spiI() == spiI).findFirst();
    }

    int size() {
        return live.size();
    }
}
