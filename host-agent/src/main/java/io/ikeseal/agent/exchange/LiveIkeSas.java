package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The IKE SAs of one gateway that have not closed yet, whatever their state: those we initiate, those peers start,
 * and those a rekey creates (RFC 7296 §2.18). What needs to look across SAs reads it: the CLI's listings, INITIAL_CONTACT
 * (§2.4, older SAs of the same identities), orderly shutdown. Thread-safe; each SA's own state is read on its executor.
 */
final class LiveIkeSas {
    private final Set<IkeSa> live = ConcurrentHashMap.newKeySet();

    /** Tracks {@code sa} until it closes. */
    void track(IkeSa sa) {
        live.add(sa);
        sa.onClose(() -> live.remove(sa));
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
