package io.ikeseal.agent.exchange;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.hsm.util.Octets;

/**
 * Half-open SAs started by peers, in all, per source address and per prefix (/24 IPv4, /64 IPv6), and what a new
 * request from an address needs by those counts (RFC 7296 §2.6, RFC 8019 §4). Known peers ({@link ProvenPeers}) have
 * a {@link #reserve} of their own beyond the global limit, so a flood of SAs from unknown addresses cannot lock them
 * out; in the reserve only their per-address limit and the cookie thresholds apply. An entry exists only while its
 * count is positive, so the maps are bounded by the global limit and the reserve. Thread-safe: SAs leave half-open
 * state on their own executors.
 */
final class HalfOpenCounts {
    /** What a new IKE_SA_INIT request needs before we spend token work on it. */
    enum Verdict {
        ADMIT,
        COOKIE,
        DROP_GLOBAL,
        DROP_SOURCE,
        DROP_PREFIX;

        /** The drop counter's label. */
        String label() {
            return switch (this) {
                case DROP_GLOBAL -> "half-open-limit";
                case DROP_SOURCE -> "half-open-source-limit";
                case DROP_PREFIX -> "half-open-prefix-limit";
                default -> name().toLowerCase(java.util.Locale.ROOT);
            };
        }
    }

    /** The /24 (IPv4) or /64 (IPv6) of an address, compared by content. */
    private static Octets prefix(InetAddress a) {
        return new Octets(Arrays.copyOf(a.getAddress(), a instanceof Inet4Address ? 3 : 8));
    }

    private final AdmissionSettings limits;
    private final int cookieThreshold;
    private final Map<InetAddress, Integer> sources = new HashMap<>();
    private final Map<Octets, Integer> prefixes = new HashMap<>();
    private int total;
    /** Of {@link #total}, the half-open SAs in the known peers' reserve. */
    private int reserved;

    HalfOpenCounts(AdmissionSettings limits, int cookieThreshold) {
        this.limits = limits;
        this.cookieThreshold = cookieThreshold;
    }

    /** Limits first, so a source over its limit costs not even a cookie check; then the cookie thresholds. */
    synchronized Verdict verdict(InetAddress source) {
        int s = sources.getOrDefault(source, 0);
        int p = prefixes.getOrDefault(prefix(source), 0);
        if (total - reserved >= limits.halfOpenLimit()) {
            return Verdict.DROP_GLOBAL;
        }
        if (s >= limits.sourceLimit()) {
            return Verdict.DROP_SOURCE;
        }
        if (p >= limits.prefixLimit()) {
            return Verdict.DROP_PREFIX;
        }
        return total >= cookieThreshold || s >= limits.sourceCookieThreshold() || p >= limits.prefixCookieThreshold()
                ? Verdict.COOKIE
                : Verdict.ADMIT;
    }

    /**
     * For a known peer while its reserve has room: its own half-open limit and the cookie thresholds (global and its
     * own, so a forged known address buys no token work without our COOKIE), not the global or prefix limits an
     * unknown flood fills. Otherwise as {@link #verdict(InetAddress)}.
     */
    synchronized Verdict verdict(InetAddress source, boolean known) {
        if (!known || reserved >= reserve()) {
            return verdict(source);
        }
        int s = sources.getOrDefault(source, 0);
        if (s >= limits.sourceLimit()) {
            return Verdict.DROP_SOURCE;
        }
        return total >= cookieThreshold || s >= limits.sourceCookieThreshold() ? Verdict.COOKIE : Verdict.ADMIT;
    }

    /** Whether the global cookie threshold is reached: COOKIEs are asked of everyone (§2.6), the gateway is under load. */
    synchronized boolean underLoad() {
        return total >= cookieThreshold;
    }

    /** The known peers' half-open SAs beyond the global limit: a quarter of it, so their token work stays bounded. */
    int reserve() {
        return Math.max(1, limits.halfOpenLimit() / 4);
    }

    synchronized void add(InetAddress source) {
        add(source, false);
    }

    /** Whether the known peers' reserve has room for one more half-open SA. */
    synchronized boolean reserveFree() {
        return reserved < reserve();
    }

    /** Counts a new half-open SA; {@code inReserve}: a known peer's while {@link #reserveFree}. */
    synchronized void add(InetAddress source, boolean inReserve) {
        if (inReserve) {
            reserved++;
        }
        total++;
        sources.merge(source, 1, Integer::sum);
        prefixes.merge(prefix(source), 1, Integer::sum);
    }

    synchronized void remove(InetAddress source) {
        remove(source, false);
    }

    synchronized void remove(InetAddress source, boolean inReserve) {
        if (inReserve) {
            reserved--;
        }
        total--;
        sources.computeIfPresent(source, (k, n) -> n > 1 ? n - 1 : null);
        prefixes.computeIfPresent(prefix(source), (k, n) -> n > 1 ? n - 1 : null);
    }

    synchronized int total() {
        return total;
    }

    /** Addresses and prefixes with half-open SAs: stays bounded by the global limit. */
    synchronized int entries() {
        return sources.size() + prefixes.size();
    }
}
