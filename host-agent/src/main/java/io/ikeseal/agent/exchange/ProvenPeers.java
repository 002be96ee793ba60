package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Addresses from which a peer authenticated to us (its IKE_AUTH verified, RFC 7296 §2.15) within {@link #MEMORY}.
 * Under a flood from many addresses that each return our COOKIE (§2.6) but never authenticate, their half-open SAs
 * fill the global limit and a new requester cannot be told from them; one that authenticated from its address lately
 * can, and {@link HalfOpenCounts} keeps it a reserve of half-open SAs. A peer must still return a COOKIE when one is
 * required, so a forged known address buys no token work; at most {@link HalfOpenCounts#reserve} SAs in all.
 * Bounded: the {@link #MAX} addresses that authenticated last, each for {@link #MEMORY}. Thread-safe.
 */
final class ProvenPeers {
    /** As many as {@link PeerReassemblyBudgets#DEFAULT_MAX_PEERS}: peers with keyed SAs at once. */
    static final int MAX = 16_384;
    /** A branch office that lost its SA (reboot, link down) comes back within this and is still known. */
    static final Duration MEMORY = Duration.ofHours(1);

    private final Clock clock;
    private final int max;
    /** In order of last authentication: the first entry is the oldest. */
    private final Map<InetAddress, Instant> lastAuthenticated = new LinkedHashMap<>();

    ProvenPeers(Clock clock) {
        this(clock, MAX);
    }

    ProvenPeers(Clock clock, int max) {
        this.clock = clock;
        this.max = max;
    }

    /** A peer authenticated from {@code address} just now. */
    synchronized void authenticated(InetAddress address) {
        Instant now = clock.instant();
        lastAuthenticated.remove(address);
        lastAuthenticated.put(address, now);
        Iterator<Map.Entry<InetAddress, Instant>> oldest =
                lastAuthenticated.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<InetAddress, Instant> e = oldest.next();
            if (lastAuthenticated.size() <= max && !expired(e.getValue(), now)) {
                break;
            }
            oldest.remove();
        }
    }

    /** Whether a peer authenticated from {@code address} within {@link #MEMORY}. */
    synchronized boolean known(InetAddress address) {
        Instant at = lastAuthenticated.get(address);
        return at != null && !expired(at, clock.instant());
    }

    /** Addresses remembered: at most {@link #MAX}. */
    synchronized int size() {
        return lastAuthenticated.size();
    }

    private static boolean expired(Instant at, Instant now) {
        return !now.isBefore(at.plus(MEMORY));
    }
}
