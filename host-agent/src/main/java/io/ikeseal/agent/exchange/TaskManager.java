package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaEnd;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.transport.DropCounters;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * An IKE SA's message traffic (RFC 7296 §2.1-§2.3): queues the exchanges we start and runs them while the peer's
 * window ({@link MessageWindow}) has room; matches responses to them; answers the peer's requests through the
 * {@link ResponderTable}, one task per request, and repeats cached answers ({@link ResponseCache}) to its
 * retransmissions. Messages are opened and sealed here with the SA's keys. Runs on the SA's executor.
 */
final class TaskManager {
    private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);

    private final IkeSa sa;
    private final ResponderTable responders;
    private final DropCounters counters;
    private final MessageWindow window;
    private final ResponseCache cache;
    private final OutboundMessages out;
    // Null while empty (SparseLists): tasks waiting for the window, and those in it.
    private List<InitiatorTask> queued;
    private List<InitiatorTask> active;
    /** Peer requests being worked on (token calls pending); their retransmissions are dropped meanwhile. */
    private List<Long> working;
    /** Tasks that answered a response by preparing another request of their own (e.g. a new key share). */
    private List<InitiatorTask> retrying;

    TaskManager(IkeSa sa, SaShared shared) {
        this(
                sa,
                shared.responders(),
                shared.settings(),
                shared.scheduler(),
                shared.outputs().counters(),
                shared.settings().windowSize());
    }

    private TaskManager(
            IkeSa sa,
            ResponderTable responders,
            ExchangeSettings settings,
            Scheduler scheduler,
            DropCounters counters,
            int responderWindow) {
        this.sa = sa;
        this.responders = responders;
        this.counters = counters;
        this.cache = new ResponseCache(responderWindow);
        this.out = new OutboundMessages(sa, settings);
        this.window = new MessageWindow(
                sa::name, sa.exec(), scheduler, settings, d -> out.sendAll(d, sa.path()), this::gaveUp);
    }

    // ---- our requests --------------------------------------------------------------------------------------------

    /** Runs {@code task} once the peer's window has room and the tasks before it have started. */
    void queue(InitiatorTask task) {
        queued = SparseLists.add(queued, task);
        startNext();
    }

    private void startNext() {
        while (queued != null && SparseLists.size(active) < window.size() && !sa.isClosed()) {
            InitiatorTask t = queued.getFirst();
            queued = SparseLists.remove(queued, t);
            active = SparseLists.add(active, t);
            t.start();
        }
    }

    /** {@code task} will send another request after token work: it keeps its place in the window. */
    void keepOpen(InitiatorTask task) {
        retrying = SparseLists.add(retrying, task);
    }

    /** Ends {@code task} without a request (it failed or had nothing to send), letting the next one start. */
    void finished(InitiatorTask task) {
        if (SparseLists.contains(active, task)) {
            active = SparseLists.remove(active, task);
            startNext();
        }
    }

    /** Sends {@code task}'s protected request with the next message ID; its response goes to the task. */
    void send(InitiatorTask task, ExchangeType type, List<? extends IkePayload> payloads) {
        long id = window.takeId();
        window.send(
                id,
                type,
                out.seal(IkeHeader.of(sa.spiI(), sa.spiR(), type, sa.originalInitiator(), false, id), payloads),
                task);
    }

    /** Sends (or re-sends after COOKIE / INVALID_KE_PAYLOAD) an IKE_SA_INIT request: always message ID 0. */
    void sendInit(InitiatorTask task, byte[] octets) {
        window.send(0, ExchangeType.IKE_SA_INIT, List.of(octets), task);
    }

    /**
     * A request sent once, without retransmission or a wait for its answer: the INFORMATIONAL that tells the
     * responder its AUTH failed just before we drop the SA (§2.21.2).
     */
    void sendOnce(ExchangeType type, List<? extends IkePayload> payloads) {
        long id = window.takeId();
        out.sendAll(
                out.seal(IkeHeader.of(sa.spiI(), sa.spiR(), type, sa.originalInitiator(), false, id), payloads),
                sa.path());
    }

    /** §2.3: the window the peer announced in N(SET_WINDOW_SIZE), if it did. */
    void peerWindow(IkeMessage m) {
        m.notification(NotifyType.SET_WINDOW_SIZE)
                .filter(n -> n.data().length == 4)
                .ifPresent(n -> window.peerWindow(((n.data()[0] & 0xffL) << 24)
                        | ((n.data()[1] & 0xff) << 16)
                        | ((n.data()[2] & 0xff) << 8)
                        | (n.data()[3] & 0xff)));
        startNext();
    }

    /** The peer's window, which an IKE SA made by rekey inherits (§2.3 announces it once per SA). */
    long peerWindowSize() {
        return window.size();
    }

    void peerWindow(long size) {
        window.peerWindow(size);
    }

    /** N(SET_WINDOW_SIZE) for our IKE_AUTH message when we accept more than one request at a time (§2.3). */
    Optional<NotifyPayload> ourWindow() {
        int n = cache.capacity();
        return n == 1
                ? Optional.empty()
                : Optional.of(NotifyPayload.of(
                        NotifyType.SET_WINDOW_SIZE,
                        new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n}));
    }

    private void gaveUp(MessageWindow.Outstanding o, int n) {
        String exchange = ExchangeType.name(o.exchange);
        active = SparseLists.remove(active, o.task);
        o.task.onTimeout(exchange, n);
        if (!sa.isClosed()) {
            sa.life().ending(IkeSaEnd.DEAD_PEER); // §2.4: any unanswered request means the peer is gone
            sa.fail("no answer to " + exchange + " #" + o.id + " from "
                    + IkeSaInfo.address(sa.path().remote()) + " after " + n + " retransmissions");
        }
    }

    // ---- receiving -----------------------------------------------------------------------------------------------

    void onDatagram(IkeDatagram dg, IkeSender replies) {
        IkeHeader h = dg.message().header();
        if (h.fromInitiator() == sa.originalInitiator()
                || h.initiatorSpi() != sa.spiI()
                || (sa.spiR() != 0
                        && h.responderSpi() != sa.spiR()
                        && h.exchangeType() != ExchangeType.IKE_SA_INIT.code())) {
            drop("spi-or-role-mismatch", dg);
            return;
        }
        if (h.isResponse()) {
            onResponse(dg);
        } else {
            onRequest(dg, replies);
        }
    }

    private void onResponse(IkeDatagram dg) {
        IkeHeader h = dg.message().header();
        MessageWindow.Outstanding o = window.match(h.messageId(), h.exchangeType());
        if (o == null) {
            drop("unexpected-response", dg);
            return;
        }
        IkeMessage m = MessageOpener.open(sa, this, dg, false);
        if (m == null || !window.isInFlight(o)) {
            return;
        }
        window.answered(o);
        o.task.onResponse(m, dg);
        if (!window.holds(o.task)) {
            if (SparseLists.contains(retrying, o.task)) {
                retrying = SparseLists.remove(retrying, o.task);
            } else {
                finished(o.task);
            }
        }
    }

    private void onRequest(IkeDatagram dg, IkeSender replies) {
        IkeHeader h = dg.message().header();
        CachedAnswer answer = cache.answer(h.messageId());
        if (answer != null) {
            // §2.1: a retransmission; RFC 7383 §2.6.1: for a fragmented request answer on its first fragment only. A
            // closed SA's keys are gone: an answer kept to be sealed again cannot be, the SA is over anyway.
            if (answer instanceof CachedAnswer.Resealable && sa.isClosed()) {
                drop("sa-closed", dg);
            } else if (!(dg.message().payloads().getLast() instanceof EncryptedFragmentPayload f)
                    || f.fragmentNumber() == 1) {
                out.sendAll(answer.datagrams(out), replies);
                counters.countSa("retransmission-answered");
            }
            return;
        }
        boolean busy = working != null && (working.contains(h.messageId()) || !cache.acceptable(h.messageId()));
        if (sa.isClosed() || busy || !cache.acceptable(h.messageId())) {
            drop(sa.isClosed() ? "sa-closed" : busy ? "request-while-busy" : "unexpected-message-id", dg);
            return;
        }
        if (h.exchange() == null) { // §3.1: no task answers an exchange we do not know, so it is not even opened
            drop("unknown-exchange-type", dg);
            return;
        }
        IkeMessage m = MessageOpener.open(sa, this, dg, true);
        if (m == null) {
            return;
        }
        sa.answerVia(replies); // §2.11, §2.23: answer where the request came from, from where it arrived
        Optional<ResponderTask> task = responders.lookup(sa, h.exchange());
        if (task.isEmpty()) {
            // e.g. CREATE_CHILD_SA before the peer authenticated (a historic bug class): never acted upon.
            drop("exchange-not-allowed-in-" + sa.state().name().toLowerCase(Locale.ROOT), dg);
            return;
        }
        working = SparseLists.add(working, h.messageId());
        task.get().handle(m, dg);
    }

    /** Sends a protected response to {@code request} and caches it for retransmissions (§2.1). */
    void respond(IkeHeader request, List<? extends IkePayload> payloads) {
        IkeHeader h = IkeHeader.of(
                sa.spiI(), sa.spiR(), request.exchange(), sa.originalInitiator(), true, request.messageId());
        List<byte[]> sealed = out.seal(h, payloads);
        cacheAndSend(request.messageId(), CachedAnswer.of(h, payloads, sealed), sealed);
    }

    /** Sends an unprotected IKE_SA_INIT response and caches it. */
    void respondUnprotected(long messageId, byte[] octets) {
        List<byte[]> sent = List.of(octets);
        cacheAndSend(messageId, new CachedAnswer.Sent(sent), sent);
    }

    private void cacheAndSend(long messageId, CachedAnswer answer, List<byte[]> datagrams) {
        cache.store(messageId, answer);
        working = SparseLists.remove(working, messageId);
        out.sendAll(datagrams, sa.path());
    }

    /** A retransmitted IKE_SA_INIT request (it still carries responder SPI 0, so the listener hands it here). */
    void retransmittedInit(IkeDatagram dg, IkeSender replies) {
        CachedAnswer answer = cache.answer(0);
        if (answer != null && dg.message().header().messageId() == 0) {
            out.sendAll(answer.datagrams(out), replies);
            counters.countSa("retransmission-answered");
        } else {
            drop(cache.isEmpty() ? "ike-sa-init-in-progress" : "late-ike-sa-init-retransmission", dg);
        }
    }

    boolean hasCachedResponse() {
        return !cache.isEmpty();
    }

    /** The SA closed: no more retransmissions, queued tasks are dropped and active ones release what they hold. */
    void stop() {
        window.clear();
        working = null;
        queued = null;
        retrying = null;
        List<InitiatorTask> was = active == null ? List.of() : List.copyOf(active);
        active = null;
        was.forEach(InitiatorTask::abandon);
    }

    void drop(String reason, IkeDatagram dg) {
        counters.countSa(reason);
        LOG.debug("{}: dropped {} ({})", sa.name(), dg, reason);
    }
}
