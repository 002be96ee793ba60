package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The IKE SAs of one gateway that have not closed yet, whatever their state: those we initiate, those peers start,
 * and those a rekey creates (RFC 7296 §2.18). What needs to look across SAs reads it: the CLI's listings, INITIAL_CONTACT
 * (§2.4, older SAs of the same identities), orderly shutdown. Thread-safe; each SA's own state is read on its executor.
 *
 * <p>What a handshake asks (INITIAL_CONTACT: another SA of this connection, or of these identities?) is answered from
 * indexes by connection and by identity pair, not by a scan: with 50,000 SAs a scan per IKE_AUTH was most of
 * an initiator's CPU (docs/performance.md).
 */
final class LiveIkeSas {
    /** Each live SA with the order it was created in (INITIAL_CONTACT closes only SAs older than its own). */
    private final Map<IkeSa, Long> live = new ConcurrentHashMap<>();

    private final AtomicLong created = new AtomicLong();
    /** Established SAs by identity pair (local ID, authenticated peer ID), written on each SA's executor. */
    private final Map<IkeSa, IdentityPair> identities = new ConcurrentHashMap<>();

    private final List<IkeGateway.SaEndListener> endListeners = new CopyOnWriteArrayList<>();

    /** Live SAs by the name of their connection, once they have one (initiators at once, responders in IKE_AUTH). */
    private final Map<String, Set<IkeSa>> byConnection = new ConcurrentHashMap<>();
    /** Established SAs by identity pair. */
    private final Map<IdentityPair, Set<IkeSa>> byPair = new ConcurrentHashMap<>();

    /** Who authenticated to whom on an established SA (§2.4 INITIAL_CONTACT compares these). */
    record IdentityPair(String local, String peer) {}

    /** Tracks {@code sa} until it closes. */
    void track(IkeSa sa) {
        live.put(sa, created.incrementAndGet());
        if (sa.connection() != null) {
            connectionChosen(sa);
        }
        sa.onClose(() -> {
            live.remove(sa);
            if (sa.connection() != null) { // set once: the set it joined
                leave(byConnection, sa.connection().name(), sa);
            }
            IdentityPair pair = identities.remove(sa);
            if (pair != null) {
                leave(byPair, pair, sa);
            }
            var l = sa.life();
            String name = sa.connection() == null ? null : sa.connection().name();
            endListeners.forEach(e -> e.ended(name, l.wasEstablished(), l.end()));
        });
    }

    /** {@code listener} hears of every SA's end, on that SA's executor. */
    void onEnd(IkeGateway.SaEndListener listener) {
        endListeners.add(listener);
    }

    /** {@code sa} is established between these identities. */
    void authenticated(IkeSa sa, IdentityPair pair) {
        if (!live.containsKey(sa)) {
            return;
        }
        IdentityPair before = identities.put(sa, pair);
        if (before != null) {
            leave(byPair, before, sa);
        }
        join(byPair, pair, sa);
        if (!live.containsKey(sa)) { // closed meanwhile: its close may have run before the join
            identities.remove(sa);
            leave(byPair, pair, sa);
        }
    }

    /** {@code sa} has its connection now (a responder's IKE_AUTH chose it by the peer's identity). */
    void connectionChosen(IkeSa sa) {
        String name = sa.connection().name();
        if (!live.containsKey(sa)) {
            return;
        }
        join(byConnection, name, sa); // a set: joining twice is joining once
        if (!live.containsKey(sa)) {
            leave(byConnection, name, sa);
        }
    }

    /** Whether a live SA other than {@code sa} has the connection {@code name}, established or not. */
    boolean othersOfConnection(IkeSa sa, String name) {
        return hasOther(byConnection.get(name), sa);
    }

    /**
     * Whether an established SA other than {@code sa} authenticated our {@code local} ID to the peer ID
     * {@code peer}, or to any peer when {@code peer} is null.
     */
    boolean othersBetween(IkeSa sa, String local, String peer) {
        if (peer != null) {
            return hasOther(byPair.get(new IdentityPair(local, peer)), sa);
        }
        // any peer: one look per identity pair, not per SA (an index by local ID would cost every SA an entry)
        for (var e : byPair.entrySet()) {
            if (e.getKey().local().equals(local) && hasOther(e.getValue(), sa)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOther(Set<IkeSa> set, IkeSa sa) {
        if (set == null) {
            return false;
        }
        for (IkeSa o : set) {
            if (o != sa) {
                return true;
            }
        }
        return false;
    }

    private static <K> void join(Map<K, Set<IkeSa>> index, K key, IkeSa sa) {
        index.compute(key, (k, set) -> {
            Set<IkeSa> s = set == null ? ConcurrentHashMap.newKeySet() : set;
            s.add(sa);
            return s;
        });
    }

    private static <K> void leave(Map<K, Set<IkeSa>> index, K key, IkeSa sa) {
        index.computeIfPresent(key, (k, set) -> {
            set.remove(sa);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * The established SAs between {@code pair}'s identities created before {@code self}: a peer that starts several
     * SAs at once sends INITIAL_CONTACT on the first, which must not close the others it made together with it.
     */
    List<IkeSa> olderThan(IkeSa self, IdentityPair pair) {
        long mine = live.getOrDefault(self, Long.MAX_VALUE);
        Set<IkeSa> same = byPair.get(pair);
        if (same == null) {
            return List.of();
        }
        return same.stream()
                .filter(o -> o != self && live.getOrDefault(o, Long.MAX_VALUE) < mine)
                .toList();
    }

    /** Whether an established SA of {@code connection} exists (connection supervision: is it up?). */
    boolean anyEstablished(String connection) {
        Set<IkeSa> of = byConnection.get(connection);
        return of != null && of.stream().anyMatch(identities::containsKey);
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
