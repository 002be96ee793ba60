package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.transport.DropCounters;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSaInitListener;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * New IKE SAs with us as responder: every IKE_SA_INIT request the transport hands over (responder SPI 0). A
 * retransmission is recognised by initiator SPI and peer address and answered from the SA it started (§2.1).
 * Admission comes before any token work and leaves no state when it refuses: a request with a message ID other
 * than 0 (§2.2) or larger than {@link #MAX_INIT_OCTETS} is dropped; past the half-open limits of
 * {@link HalfOpenCounts} (global, per source, per prefix) requests are dropped, past its cookie thresholds they must
 * carry a valid COOKIE as first payload, else they get one, as {@link Refusals} allows (§2.6, RFC 8019 §4). An
 * address a peer authenticated from lately ({@link ProvenPeers}) has a reserve of half-open SAs and work slots of its
 * own, so a flood of SAs from unknown addresses, each returning our COOKIE, cannot lock it out.
 */
final class ResponderSessions implements IkeSaInitListener {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderSessions.class);
    /**
     * IKE_SA_INIT cannot be fragmented (RFC 7383 §2.5), so it must fit a datagram a path carries; the largest we
     * would accept (MODP-8192 KE of 1,024 octets, a few dozen transforms, NAT and hash notifications, a CERTREQ)
     * stays below 3 KiB. 8 KiB leaves room for what initiators add, and refuses jumbo messages meant only to cost
     * us parsing and hashing (a 60 KB request used to be fully processed).
     */
    static final int MAX_INIT_OCTETS = 8192;
    /**
     * SAs from addresses not known ({@link ProvenPeers}) whose IKE_SA_INIT token work (key generation, g^ir, the key
     * schedule: five operations in a row, LOW) runs at once while the gateway is not under load: enough to keep a
     * token's threads busy, so a burst of new peers (a restart, a reconnect storm) is served at the token's speed.
     */
    static final int INIT_SLOTS = 16;
    /**
     * The same under load (COOKIEs asked of everyone, {@link HalfOpenCounts#underLoad}): one. A running token operation
     * cannot be pre-empted, and a key generation takes milliseconds of CPU: with 16 at once, a flood of SAs that
     * return our COOKIE kept every thread of a two-thread token, and both cores, busy with LOW work, so each HIGH
     * operation of an SA past IKE_SA_INIT or of a known peer waited for a thread and shared the CPU
     * (CookieEchoFloodTest (b): legitimate handshakes at 2-3 times their unloaded latency while 400 such SAs took
     * 2,000 operations over 4 s). With one, a token of two or more threads always has one free for HIGH work; and the
     * slot is freed only as long after the work as it took ({@link #pause}), so that work holds the token and CPU at
     * most half the time. The price is fewer new SAs from unknown addresses per second under load; known peers have
     * slots of their own ({@link #knownWork}). Admitted requests beyond it wait ({@link #INIT_WAITING}); beyond that a
     * request is dropped as if lost, and its initiator retransmits.
     */
    static final int INIT_SLOTS_UNDER_LOAD = 1;

    static final int INIT_WAITING = 64;
    /**
     * IKE_SA_INIT requests waiting for admission, which needs no token work (tens of microseconds each): a backlog
     * this long is a flood's, and a later request is dropped as lost rather than queued without bound (§2.1).
     */
    static final int INTAKE = 4096;

    private final SerialExecutor intake;
    private volatile boolean stopped;
    private final Cookies cookies;
    private final HalfOpenCounts counts;
    private final Refusals refusals;
    private final DropCounters counters;
    private final Starter starter;
    private final Scheduler scheduler;
    private final InitWork work;
    private final ProvenPeers proven;
    /** The known peers' IKE_SA_INIT work: never more than their reserve of half-open SAs, so never refused here. */
    private final InitWork knownWork;
    /** Every SA a peer started, until it closes: a late IKE_SA_INIT retransmission must not start another. */
    private final Map<HalfOpenKey, IkeSa> started = new ConcurrentHashMap<>();

    private record HalfOpenKey(long spiI, InetSocketAddress peer) {}

    /**
     * Makes responder SAs: {@link #create} registers one, {@link #begin} runs IKE_SA_INIT on its executor and calls
     * {@code answered} once it answered (its token work is over).
     */
    interface Starter {
        IkeSa create(IkeDatagram request, IkeSender replies);

        void begin(IkeSa sa, IkeDatagram request, Runnable answered);
    }

    ResponderSessions(
            Executor workers,
            Cookies cookies,
            ExchangeSettings settings,
            Scheduler scheduler,
            DropCounters counters,
            Starter starter) {
        this.intake = new SerialExecutor(workers, INTAKE);
        this.cookies = cookies;
        this.counts = new HalfOpenCounts(settings.admission(), settings.cookieThreshold());
        this.scheduler = scheduler;
        this.proven = new ProvenPeers(scheduler.clock());
        this.knownWork = new InitWork(counts.reserve(), 0);
        this.work = new InitWork(() -> counts.underLoad() ? INIT_SLOTS_UNDER_LOAD : INIT_SLOTS, INIT_WAITING);
        this.refusals = new Refusals(settings.admission(), scheduler.clock(), counters);
        this.counters = counters;
        this.starter = starter;
    }

    /** No new SA from now on: the daemon is stopping, and an SA begun now would outlive its deletion sweep. */
    void stop() {
        stopped = true;
    }

    @Override
    public void ikeSaInitRequest(IkeDatagram request, IkeSender replies) {
        if (stopped) {
            counters.countSa("stopping");
            return;
        }
        if (!intake.offer(() -> accept(request, replies))) {
            counters.countSa("ike-sa-init-intake-full"); // as lost: admission is behind by INTAKE requests already
        }
    }

    /** IKE SAs started by a peer and not yet established. */
    int halfOpenCount() {
        return counts.total();
    }

    /**
     * What admission still holds: SAs peers started and that have not closed, IKE_SA_INIT token work running or
     * waiting, addresses and prefixes with half-open SAs. Zero once every SA is gone (the fuzz target checks it).
     */
    int heldState() {
        return started.size() + work.running() + work.waiting() + counts.entries();
    }

    /** The rate limit of error answers to IKE_SA_INIT and of their log lines. */
    Refusals refusals() {
        return refusals;
    }

    private void accept(IkeDatagram dg, IkeSender replies) {
        if (stopped) {
            counters.countSa("stopping"); // queued before stop()
            return;
        }
        IkeHeader h = dg.message().header();
        if (h.messageId() != 0) {
            counters.countSa("ike-sa-init-message-id"); // §2.2: IKE_SA_INIT is always message 0
            return;
        }
        if (dg.octets().length > MAX_INIT_OCTETS) {
            counters.countSa("ike-sa-init-oversize");
            return;
        }
        HalfOpenKey key = new HalfOpenKey(h.initiatorSpi(), dg.sender());
        IkeSa existing = started.get(key);
        if (existing != null) {
            if (!existing.exec().offer(() -> existing.tasks().retransmittedInit(dg, replies))) {
                counters.countSa("sa-queue-full");
            }
            return;
        }
        InetAddress ip = dg.sender().getAddress();
        boolean reserve = proven.known(ip) && counts.reserveFree();
        HalfOpenCounts.Verdict v = counts.verdict(ip, reserve);
        if (v != HalfOpenCounts.Verdict.ADMIT && v != HalfOpenCounts.Verdict.COOKIE) {
            counters.countSa(v.label()); // unanswered: an answer would be work for the flood's sake
            return;
        }
        // A known peer's SA in the reserve has work slots of its own: the reserve bounds them, and a flood that fills
        // the queue of new SAs' work must not delay it. A full queue drops before the COOKIE: handing one out would
        // only invite a second request (decoded, its COOKIE hashed) that must be dropped again (§2.6).
        InitWork queue = reserve ? knownWork : work;
        if (queue.full()) {
            counters.countSa("init-queue-full");
            return;
        }
        if (v == HalfOpenCounts.Verdict.COOKIE && !cookieOk(dg, replies, reserve)) {
            return;
        }
        IkeSa sa = starter.create(dg, replies);
        if (reserve) {
            sa.knownPeer();
        }
        InitWork.Ticket ticket = queue.ticket(t -> {
            Instant begun = scheduler.clock().instant();
            starter.begin(sa, dg, reserve ? t::done : () -> pause(t, begun));
        });
        started.put(key, sa);
        counts.add(ip, reserve);
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable notHalfOpen = () -> {
            if (counted.getAndSet(false)) {
                counts.remove(ip, reserve);
            }
        };
        sa.onClose(
                () -> { // before the SA runs anything: its executor publishes this to it
                    started.remove(key, sa);
                    notHalfOpen.run();
                    ticket.done();
                });
        Continuations.inline(sa.established(), (info, e) -> {
            notHalfOpen.run();
            if (e == null) {
                proven.authenticated(ip); // its IKE_AUTH verified: a known peer from now on
            }
        });
        queue.start(ticket);
    }

    /**
     * Under load, frees an unknown SA's slot as long after its IKE_SA_INIT work as that work took: the LOW work of new SAs from
     * unknown addresses then holds a token thread at most half the time, whatever the token's speed, and the CPU
     * (key generations cost milliseconds of it) stays shared with the HIGH work of known peers and SAs past
     * IKE_SA_INIT (CookieEchoFloodTest (b)). The SA closing meanwhile frees it at once (the ticket frees once).
     */
    private void pause(InitWork.Ticket ticket, Instant begun) {
        Duration took = Duration.between(begun, scheduler.clock().instant());
        if (!counts.underLoad()
                || took.isZero()
                || took.isNegative()
                || scheduler.schedule(took, ticket::done) == null) {
            ticket.done();
        }
    }

    /** §2.6: the COOKIE must come first and be ours for this Ni, IPi and SPIi; otherwise hand one out. */
    private boolean cookieOk(IkeDatagram dg, IkeSender replies, boolean known) {
        IkeMessage m = dg.message();
        List<IkePayload> p = m.payloads();
        NoncePayload ni = m.first(NoncePayload.class).orElse(null);
        if (ni == null) {
            counters.countSa("ike-sa-init-payloads");
            return false;
        }
        long spiI = m.header().initiatorSpi();
        var ip = dg.sender().getAddress();
        if (!p.isEmpty()
                && p.getFirst() instanceof NotifyPayload n
                && n.notifyType() == NotifyType.COOKIE
                && cookies.valid(n.data(), ni.nonce(), ip, spiI)) {
            return true;
        }
        if (!refusals.allow(ip, "COOKIE", known)) {
            return false;
        }
        byte[] cookie = cookies.make(ni.nonce(), ip, spiI);
        IkeHeader h = IkeHeader.of(spiI, 0, ExchangeType.IKE_SA_INIT, false, true, 0);
        replies.send(new IkeMessage(h, List.of(NotifyPayload.of(NotifyType.COOKIE, cookie))).encode())
                .exceptionally(e -> null); // as a lost datagram: the initiator retransmits
        counters.countSa("cookie-sent");
        LOG.debug("COOKIE sent to {} ({} half-open SAs)", IkeSaInfo.address(dg.sender()), counts.total());
        return false;
    }
}
