package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The IKE SAs of one gateway that have not closed yet, whatever their state: those we initiate, those peers start,
 * and those a rekey creates (RFC 7296 §2.18). What needs to look across SAs reads it: the CLI's listings, INITIAL_CONTACT
 * (§2.4, older SAs of the same identities), orderly shutdown. Thread-safe; each SA's own state is read on its executor.
 */
final class LiveIkeSas {
    private final Set<IkeSa> live = ConcurrentHashMap.newKeySet();
    /** Established SAs by identity pair (local ID, authenticated peer ID), written on each SA's executor. */
    private final Map<IkeSa, IdentityPair> identities = new ConcurrentHashMap<>();

    private final List<IkeGateway.SaEndListener> endListeners = new CopyOnWriteArrayList<>();

    /** Who authenticated to whom on an established SA (§2.4 INITIAL_CONTACT compares these). */
    record IdentityPair(String local, String peer) {}

    /** Tracks {@code sa} until it closes. */
    void track(IkeSa sa) {
        live.add(sa);
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
        if (live.contains(sa)) {
            identities.put(sa, pair);
        }
    }

    /** The established SAs other than {@code self} between {@code pair}'s identities. */
    List<IkeSa> others(IkeSa self, IdentityPair pair) {
        return identities.entrySet().stream()
                .filter(e -> e.getKey() != self && e.getValue().equals(pair))
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
        return List.copyOf(live);
    }

    /** The live SA with initiator SPI {@code spiI}. */
    Optional<IkeSa> withInitiatorSpi(long spiI) {
        return live.stream().filter(s -> s.spiI() == spiI).findFirst();
    }

    int size() {
        return live.size();
    }
}
