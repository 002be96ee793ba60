package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.agent.transport.DropCounters;
import io.ikeseal.agent.transport.TokenBucket;

/**
 * The rate of unprotected error answers to IKE_SA_INIT (COOKIE, NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD) and of
 * their log lines: their source address may be forged, so unbounded answers would make us a reflector and unbounded
 * logs a disk filler (RFC 7296 §2.6, §2.21). One bucket per source and one for all; the per-source table keeps the
 * most recently used {@link #SOURCES} addresses (one that falls out starts with a full bucket again, still under the
 * global one). Known peers ({@link ProvenPeers}) draw on a global bucket of their own only, so a flood from unknown
 * addresses that uses up the answers cannot keep a known peer from its COOKIE, and a busy peer that starts more SAs
 * a second than {@code refusals-per-source} under load is not made to wait for retransmissions (a COOKIE is no
 * larger than the request it answers, so a forged known address gains no amplification; the known peers' bucket
 * bounds the answers and log lines in all). Each refusal is counted as {@code refused.<reason>} or
 * {@code refusal-rate-limited.<reason>}.
 */
final class Refusals {
    static final int SOURCES = 4096;

    private final AdmissionSettings limits;
    private final LongSupplier nanos;
    private final DropCounters counters;
    private final TokenBucket all;
    private final TokenBucket allKnown;
    /** In access order: the first entry is the least recently used. */
    private final Map<InetAddress, TokenBucket> bySource = new LinkedHashMap<>(64, 0.75f, true);

    Refusals(AdmissionSettings limits, Clock clock, DropCounters counters) {
        this.limits = limits;
        this.nanos = () -> {
            Instant i = clock.instant();
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        };
        this.counters = counters;
        this.all = new TokenBucket(limits.refusals(), limits.refusals(), nanos);
        this.allKnown = new TokenBucket(limits.refusals(), limits.refusals(), nanos);
    }

    /** Whether a refusal ({@code reason}, e.g. {@code NO_PROPOSAL_CHOSEN}) may be answered and logged now. */
    boolean allow(InetAddress source, String reason) {
        return allow(source, reason, false);
    }

    /** As {@link #allow(InetAddress, String)}; a {@code known} peer's answers come from the known peers' bucket alone. */
    boolean allow(InetAddress source, String reason, boolean known) {
        boolean ok;
        synchronized (bySource) {
            if (known) {
                ok = allKnown.tryAcquire();
            } else {
                TokenBucket b = bySource.computeIfAbsent(
                        source, s -> new TokenBucket(limits.refusalsPerSource(), limits.refusalsPerSource(), nanos));
                if (bySource.size() > SOURCES) {
                    var eldest = bySource.keySet().iterator();
                    eldest.next();
                    eldest.remove();
                }
                ok = b.tryAcquire() && all.tryAcquire();
            }
        }
        counters.countSa((ok ? "refused." : "refusal-rate-limited.") + reason);
        return ok;
    }

    /** Addresses with a bucket: at most {@link #SOURCES}. */
    int sources() {
        synchronized (bySource) {
            return bySource.size();
        }
    }
}
