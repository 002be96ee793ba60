package io.ikeseal.agent.exchange;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * Beyond {@link ExchangeSettings#cookieThreshold()} half-open SAs a request must carry a valid COOKIE as its first
 * payload, else it gets one and costs us nothing more (§2.6): no state, no token call.
 */
final class ResponderSessions implements IkeSaInitListener {
    private static final Logger LOG = LoggerFactory.getLogger(ResponderSessions.class);
    /** Half-open SAs beyond which requests are dropped outright, cookie or not. */
    private static final int HARD_LIMIT_FACTOR = 20;

    private final SerialExecutor intake;
    private final Cookies cookies;
    private final int threshold;
    private final DropCounters counters;
    private final Starter starter;
    /** Every SA a peer started, until it closes: a late IKE_SA_INIT retransmission must not start another. */
    private final Map<HalfOpenKey, IkeSa> started = new ConcurrentHashMap<>();
    /** Of those, the ones not yet established (RFC 7296 §2.6 counts these for cookies). */
    private final AtomicInteger halfOpen = new AtomicInteger();

    private record HalfOpenKey(long spiI, InetSocketAddress peer) {}

    /** Makes responder SAs: {@link #create} registers one, {@link #begin} runs IKE_SA_INIT on its executor. */
    interface Starter {
        IkeSa create(IkeDatagram request, IkeSender replies);

        void begin(IkeSa sa, IkeDatagram request);
    }

    ResponderSessions(Executor workers, Cookies cookies, int cookieThreshold, DropCounters counters, Starter starter) {
        this.intake = new SerialExecutor(workers);
        this.cookies = cookies;
        this.threshold = cookieThreshold;
        this.counters = counters;
        this.starter = starter;
    }

    @Override
    public void ikeSaInitRequest(IkeDatagram request, IkeSender replies) {
        intake.execute(() -> accept(request, replies));
    }

    /** IKE SAs started by a peer and not yet established. */
    int halfOpenCount() {
        return halfOpen.get();
    }

    private void accept(IkeDatagram dg, IkeSender replies) {
        IkeHeader h = dg.message().header();
        HalfOpenKey key = new HalfOpenKey(h.initiatorSpi(), dg.sender());
        IkeSa existing = started.get(key);
        if (existing != null) {
            existing.exec().execute(() -> existing.tasks().retransmittedInit(dg, replies));
            return;
        }
        if (halfOpen.get() >= Math.max(1, threshold) * HARD_LIMIT_FACTOR) {
            counters.countSa("half-open-limit");
            return;
        }
        if (halfOpen.get() >= threshold && !cookieOk(dg, replies)) {
            return;
        }
        IkeSa sa = starter.create(dg, replies);
        started.put(key, sa);
        halfOpen.incrementAndGet();
        AtomicBoolean counted = new AtomicBoolean(true);
        Runnable notHalfOpen = () -> {
            if (counted.getAndSet(false)) {
                halfOpen.decrementAndGet();
            }
        };
        sa.onClose(
                () -> { // before the SA runs anything: its executor publishes this to it
                    started.remove(key, sa);
                    notHalfOpen.run();
                });
        Continuations.inline(sa.established(), (info, e) -> notHalfOpen.run());
        starter.begin(sa, dg);
    }

    /** §2.6: the COOKIE must come first and be ours for this Ni, IPi and SPIi; otherwise hand one out. */
    private boolean cookieOk(IkeDatagram dg, IkeSender replies) {
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
        byte[] cookie = cookies.make(ni.nonce(), ip, spiI);
        IkeHeader h = IkeHeader.of(spiI, 0, ExchangeType.IKE_SA_INIT, false, true, 0);
        replies.send(new IkeMessage(h, List.of(NotifyPayload.of(NotifyType.COOKIE, cookie))).encode())
                .exceptionally(e -> null); // as a lost datagram: the initiator retransmits
        counters.countSa("cookie-sent");
        LOG.debug("COOKIE sent to {} ({} half-open SAs)", IkeSaInfo.address(dg.sender()), halfOpen.get());
        return false;
    }
}
