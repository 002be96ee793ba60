package io.ikeseal.agent.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.IkeSaEnd;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;

/**
 * Counts what happens to SAs and passes every event on to {@code next} (the CLI's lines, a test's recorder): IKE SAs
 * established and failed (by role and {@link FailureReasons reason}), rekeyed, ended (by {@link IkeSaEnd}), CHILD_SAs
 * established, failed and rekeyed, dead peers; and, through {@link #installer}, the CHILD_SAs installed right now.
 * Events arrive on SA executors: counters only, no locks.
 */
public final class SaMetrics implements SaEvents {
    private final SaEvents next;
    private final LongAdder establishedInitiator = new LongAdder();
    private final LongAdder establishedResponder = new LongAdder();
    private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
    private final LongAdder rekeyed = new LongAdder();
    private final LongAdder reauthenticated = new LongAdder();
    private final Map<IkeSaEnd, LongAdder> ended = new EnumMap<>(IkeSaEnd.class);
    private final LongAdder childEstablished = new LongAdder();
    private final LongAdder childFailed = new LongAdder();
    private final LongAdder childRekeyed = new LongAdder();
    private final LongAdder deadPeers = new LongAdder();
    /**
     * Installed CHILD_SAs by their SPI pair: the record a removal names may be a copy under the rekeyed IKE SA's SPIs
     * (ChildSaRecord.moved, RFC 7296 §2.18), so the record itself is no key.
     */
    private final Set<Long> installed = ConcurrentHashMap.newKeySet();

    public SaMetrics(SaEvents next) {
        this.next = next;
        for (IkeSaEnd e : IkeSaEnd.values()) {
            ended.put(e, new LongAdder());
        }
    }

    /** {@code inner} with the CHILD_SAs it holds counted: installed and not yet removed. */
    public ChildSaInstaller installer(ChildSaInstaller inner) {
        return new ChildSaInstaller() {
            @Override
            public void install(ChildSaRecord sa, ChildSaKeys keys) {
                inner.install(sa, keys); // a failed install throws: not counted
                installed.add(spis(sa));
            }

            @Override
            public void remove(ChildSaRecord sa) {
                installed.remove(spis(sa));
                inner.remove(sa);
            }

            @Override
            public ChildSaTraffic traffic(ChildSaRecord sa) {
                return inner.traffic(sa);
            }
        };
    }

    private static long spis(ChildSaRecord sa) {
        return ((long) sa.inboundSpi() << 32) | (sa.outboundSpi() & 0xffff_ffffL);
    }

    /** For IkeGateway.onIkeSaEnd: every IKE SA's end, by cause. */
    public void ended(String connection, boolean wasEstablished, IkeSaEnd cause) {
        ended.get(cause).increment();
    }

    /** A responder that refused IKE_SA_INIT counts as failed there (the transport's counters say how often). */
    private static String key(boolean initiator, String reason) {
        return (initiator ? "initiator" : "responder") + "/" + reason;
    }

    @Override
    public void ikeSaEstablished(IkeSaInfo sa) {
        (sa.originalInitiator() ? establishedInitiator : establishedResponder).increment();
        next.ikeSaEstablished(sa);
    }

    @Override
    public void ikeSaFailed(IkeSaInfo sa, String reason) {
        failed.computeIfAbsent(key(sa.originalInitiator(), FailureReasons.of(reason)), k -> new LongAdder())
                .increment();
        next.ikeSaFailed(sa, reason);
    }

    @Override
    public void ikeSaDeleted(IkeSaInfo sa, String reason) {
        next.ikeSaDeleted(sa, reason);
    }

    @Override
    public void childSaEstablished(IkeSaInfo ikeSa, ChildSaRecord child) {
        childEstablished.increment();
        next.childSaEstablished(ikeSa, child);
    }

    @Override
    public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
        childFailed.increment();
        next.childSaFailed(ikeSa, child, reason);
    }

    @Override
    public void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason) {
        next.childSaDeleted(ikeSa, child, reason);
    }

    @Override
    public void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason, ChildSaTraffic traffic) {
        next.childSaDeleted(ikeSa, child, reason, traffic);
    }

    @Override
    public void childSaRekeyed(IkeSaInfo ikeSa, ChildSaRecord old, ChildSaRecord now) {
        childRekeyed.increment();
        next.childSaRekeyed(ikeSa, old, now);
    }

    @Override
    public void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo now, boolean reauth) {
        (reauth ? reauthenticated : rekeyed).increment();
        next.ikeSaRekeyed(old, now, reauth);
    }

    @Override
    public void livenessFailed(IkeSaInfo sa, String reason) {
        deadPeers.increment();
        next.livenessFailed(sa, reason);
    }

    /** CHILD_SAs installed now. */
    public int childSas() {
        return installed.size();
    }

    /**
     * Writes the SA families; {@code refusals} are the responder's IKE_SA_INIT refusals by notification (from the
     * transport's counters), added to the failures with role responder.
     */
    public void writeTo(MetricWriter w, Map<String, Long> refusals) {
        w.family(
                "ikeseal_ike_sa_established_total",
                "counter",
                "IKE SAs established by IKE_SA_INIT and IKE_AUTH (rekeys not included), by our role.");
        w.sample("ikeseal_ike_sa_established_total", establishedInitiator.sum(), "role", "initiator");
        w.sample("ikeseal_ike_sa_established_total", establishedResponder.sum(), "role", "responder");
        Map<String, Long> fails = new TreeMap<>();
        failed.forEach((k, v) -> fails.merge(k, v.sum(), Long::sum));
        refusals.forEach((notify, n) -> fails.merge(key(false, notify.toLowerCase(Locale.ROOT)), n, Long::sum));
        w.family(
                "ikeseal_ike_sa_failed_total",
                "counter",
                "IKE SAs that were never established, by our role and reason (a notification name in lower case,"
                        + " or timeout, half_open_timeout, token, cookie, malformed, invalid_response, stopping,"
                        + " other); a responder's IKE_SA_INIT refusals included.");
        fails.forEach((k, v) -> {
            int slash = k.indexOf('/');
            w.sample("ikeseal_ike_sa_failed_total", v, "role", k.substring(0, slash), "reason", k.substring(slash + 1));
        });
        w.family("ikeseal_ike_sa_rekeyed_total", "counter", "IKE SAs rekeyed (RFC 7296 §2.18) or reauthenticated.");
        w.sample("ikeseal_ike_sa_rekeyed_total", rekeyed.sum(), "kind", "rekey");
        w.sample("ikeseal_ike_sa_rekeyed_total", reauthenticated.sum(), "kind", "reauthentication");
        w.family("ikeseal_ike_sa_ended_total", "counter", "IKE SAs that ended, in any state, by cause.");
        ended.forEach((cause, n) -> w.sample(
                "ikeseal_ike_sa_ended_total", n.sum(), "cause", cause.name().toLowerCase(Locale.ROOT)));
        w.family("ikeseal_dead_peers_total", "counter", "Peers that did not answer a liveness check or a request.");
        w.sample("ikeseal_dead_peers_total", deadPeers.sum());
        w.family("ikeseal_child_sa_established_total", "counter", "CHILD_SAs established (rekeys not included).");
        w.sample("ikeseal_child_sa_established_total", childEstablished.sum());
        w.family("ikeseal_child_sa_failed_total", "counter", "CHILD_SAs that could not be established.");
        w.sample("ikeseal_child_sa_failed_total", childFailed.sum());
        w.family("ikeseal_child_sa_rekeyed_total", "counter", "CHILD_SAs rekeyed.");
        w.sample("ikeseal_child_sa_rekeyed_total", childRekeyed.sum());
        w.family("ikeseal_child_sas", "gauge", "CHILD_SAs installed now.");
        w.sample("ikeseal_child_sas", childSas());
    }
}
