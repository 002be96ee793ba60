package io.ikeseal.agent.exchange;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.protect.FragmentReassembler;
import io.ikeseal.agent.protect.FragmentSize;
import io.ikeseal.agent.protect.IntegrityException;
import io.ikeseal.agent.protect.Reassembly;
import io.ikeseal.agent.protect.ReassemblyLimits;
import io.ikeseal.agent.protect.SkProtection;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSaInbox;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.CertificateRequestPayload;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.hsm.audit.AuditContext;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.sign.HashAlgorithm;

/**
 * One IKE SA: its state, message IDs and the message traffic of its exchanges (RFC 7296 §2.1-§2.3). Everything
 * here runs on the SA's {@link SerialExecutor}, so one exchange at a time is processed, in order; the exchanges
 * (one class per exchange and role: {@link IkeSaInitInitiator}, {@link IkeSaInitResponder}, {@link IkeAuthInitiator},
 * {@link IkeAuthResponder}, {@link InformationalExchange}) read and change it there. Token calls complete on token
 * threads and continue here via {@link #exec}.
 *
 * <p>Message IDs (§2.2): our requests count from 0 in {@link #nextRequestId}, the peer's in
 * {@link #expectedPeerRequestId}; we keep one request outstanding (window size 1) and retransmit it with
 * exponential backoff until a bounded give-up. A retransmitted peer request gets our cached response again, without
 * redoing any work (§2.1).
 */
final class IkeSession implements IkeSaInbox {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSession.class);

    final GatewayServices services;
    final SerialExecutor exec;
    final boolean originalInitiator;
    /** Initiator: the connection initiated. Responder: chosen in IKE_AUTH by the peer's identity. */
    Connection connection;
    /** Responder: connections matching the IKE_SA_INIT's addresses, before IKE_AUTH picks one. */
    List<Connection> candidates = List.of();
    long spiI;
    long spiR;
    IkeSaState state;
    /** Where our messages go: the peer's address and port, from the socket its last request arrived on. */
    IkeSender path;
    Runnable onClose = () -> { };

    // IKE_SA_INIT results (RFC 7296 §1.2, §2.14, §2.15)
    byte[] ni;
    byte[] nr;
    byte[] realMessage1;
    byte[] realMessage2;
    KeyShare dhPair;
    IkeSuite suite;
    /** Responder: the IKE proposal we answered with, to check a connection allows it (IKE_AUTH). */
    Proposal acceptedProposal;
    IkeSaSecrets keys;
    SkProtection protection;
    FragmentReassembler reassembler;
    boolean fragmentation;
    Set<HashAlgorithm> peerHashes = Set.of();
    List<CertificateRequestPayload> peerCertificateRequests = List.of();
    NatDetection.Result nat = new NatDetection.Result(false, false, false);
    String peerId;
    String localAuthUsed;
    String remoteAuthUsed;
    final List<ChildSaRecord> children = new ArrayList<>();
    final CompletableFuture<IkeSaInfo> established = new CompletableFuture<>();
    /** Completes once the SA is closed (keys destroyed, CHILD_SAs removed). */
    final CompletableFuture<String> closed = new CompletableFuture<>();

    // Message IDs and retransmission (§2.1, §2.2)
    long nextRequestId;
    long expectedPeerRequestId;
    private Outstanding outstanding;
    private Cached lastResponse;
    /** A peer request is being worked on (token calls pending); its retransmissions are dropped meanwhile. */
    boolean busy;
    private ScheduledFuture<?> halfOpenTimer;
    private ScheduledFuture<?> lifetimeTimer;

    /** What the exchange that sent a request does with its response. */
    interface ResponseHandler {
        void onResponse(IkeMessage response, IkeDatagram datagram);

        default void onTimeout(String exchange, int tries) {
        }
    }

    private static final class Outstanding {
        final long id;
        final int exchange;
        final List<byte[]> datagrams;
        final ResponseHandler handler;
        ScheduledFuture<?> timer;

        Outstanding(long id, int exchange, List<byte[]> datagrams, ResponseHandler handler) {
            this.id = id;
            this.exchange = exchange;
            this.datagrams = datagrams;
            this.handler = handler;
        }
    }

    private record Cached(long id, List<byte[]> datagrams) {
    }

    IkeSession(GatewayServices services, boolean originalInitiator, IkeSender path) {
        this.services = services;
        this.exec = new SerialExecutor(services.workers());
        this.originalInitiator = originalInitiator;
        this.path = path;
        this.state = originalInitiator ? IkeSaState.CONNECTING : IkeSaState.HALF_OPEN;
    }

    /** Our SPI, under which the SPI table delivers this SA's messages. */
    long ourSpi() {
        return originalInitiator ? spiI : spiR;
    }

    AuditContext auditContext() {
        return new AuditContext(hex(spiI), spiR == 0 ? null : hex(spiR), path.remote().getAddress().getHostAddress()
                + ":" + path.remote().getPort());
    }

    static String hex(long spi) {
        return HexFormat.of().toHexDigits(spi);
    }

    String name() {
        return (connection != null ? connection.name() : "(unnamed)") + "[" + hex(spiI) + "_i " + hex(spiR) + "_r]";
    }

    // ---- receiving -------------------------------------------------------------------------------------------

    @Override
    public void receive(IkeDatagram datagram, IkeSender replies) {
        exec.execute(() -> onDatagram(datagram, replies));
    }

    private void onDatagram(IkeDatagram dg, IkeSender replies) {
        IkeHeader h = dg.message().header();
        if (h.fromInitiator() == originalInitiator || h.initiatorSpi() != spiI
                || spiR != 0 && h.responderSpi() != spiR && h.exchangeType() != ExchangeType.IKE_SA_INIT.code()) {
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
        Outstanding o = outstanding;
        if (o == null || h.messageId() != o.id || h.exchangeType() != o.exchange) {
            drop("unexpected-response", dg);
            return;
        }
        IkeMessage m = open(dg, false);
        if (m == null || outstanding != o) {
            return;
        }
        cancel(o.timer);
        outstanding = null;
        o.handler.onResponse(m, dg);
    }

    private void onRequest(IkeDatagram dg, IkeSender replies) {
        IkeHeader h = dg.message().header();
        Cached last = lastResponse;
        if (last != null && h.messageId() == last.id) {
            // §2.1: a retransmission; RFC 7383 §2.6.1: for a fragmented request answer on its first fragment only.
            if (!(dg.message().payloads().getLast() instanceof EncryptedFragmentPayload f) || f.fragmentNumber() == 1) {
                sendAll(last.datagrams, replies);
                services.counters().countSa("retransmission-answered");
            }
            return;
        }
        if (state == IkeSaState.CLOSED || h.messageId() != expectedPeerRequestId || busy) {
            drop(state == IkeSaState.CLOSED ? "sa-closed" : busy ? "request-while-busy" : "unexpected-message-id", dg);
            return;
        }
        IkeMessage m = open(dg, true);
        if (m == null) {
            return;
        }
        busy = true;
        path = replies; // §2.11, §2.23: answer where the request came from, from where it arrived
        ExchangeType type = h.exchange();
        if (type == ExchangeType.IKE_AUTH && !originalInitiator && state == IkeSaState.HALF_OPEN
                && h.messageId() == 1) {
            IkeAuthResponder.handle(this, m, dg);
        } else if (type == ExchangeType.INFORMATIONAL
                && (state == IkeSaState.ESTABLISHED || state == IkeSaState.DELETING)) {
            // §1.4: INFORMATIONAL exchanges MUST ONLY occur after the initial exchanges; before IKE_AUTH completed
            // the peer is not authenticated, so its Delete or error notification is not acted upon.
            InformationalExchange.respond(this, m);
        } else if (type == ExchangeType.CREATE_CHILD_SA && state == IkeSaState.ESTABLISHED) {
            // Rekeying and further CHILD_SAs are not offered yet (§1.3): say so rather than time the peer out.
            respond(h, List.of(NotifyPayload.of(NotifyType.NO_ADDITIONAL_SAS)));
        } else {
            // e.g. CREATE_CHILD_SA before the peer authenticated (a historic bug class): never acted upon.
            busy = false;
            drop("exchange-not-allowed-in-" + state.name().toLowerCase(java.util.Locale.ROOT), dg);
        }
    }

    /**
     * The message's payloads, decrypted and reassembled when protected; null when it is dropped (counted) or waits
     * for more fragments. An authentic but malformed request is answered with INVALID_SYNTAX (§3.10.1).
     */
    private IkeMessage open(IkeDatagram dg, boolean request) {
        IkeMessage sealed = dg.message();
        if (!sealed.isSealed()) {
            if (sealed.header().exchangeType() == ExchangeType.IKE_SA_INIT.code()) {
                return sealed;
            }
            drop("unprotected-after-ike-sa-init", dg);
            return null;
        }
        if (protection == null) {
            drop("no-keys-yet", dg);
            return null;
        }
        try {
            if (sealed.payloads().getLast() instanceof EncryptedFragmentPayload) {
                return switch (reassembler.offer(sealed, dg.octets())) {
                    case Reassembly.Complete c -> c.message();
                    case Reassembly.Pending p -> null;
                    case Reassembly.Retransmitted r -> null;
                    case Reassembly.Dropped d -> {
                        drop("fragment-" + d.reason().label(), dg);
                        yield null;
                    }
                };
            }
            return protection.unprotect(sealed, dg.octets());
        } catch (IntegrityException e) {
            drop("integrity-" + e.failure().label(), dg);
            return null;
        } catch (MalformedMessageException e) {
            LOG.info("{}: {} from {} is malformed after its integrity check: {}", name(),
                    request ? "request" : "response", dg.sender(), e.getMessage());
            if (request) {
                respond(sealed.header(), List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX)));
                if (state != IkeSaState.ESTABLISHED) {
                    close("malformed " + ExchangeType.name(sealed.header().exchangeType()) + " request", true);
                }
            } else {
                fail("malformed " + ExchangeType.name(sealed.header().exchangeType()) + " response: " + e.getMessage());
            }
            return null;
        }
    }

    void drop(String reason, IkeDatagram dg) {
        services.counters().countSa(reason);
        LOG.debug("{}: dropped {} ({})", name(), dg, reason);
    }

    // ---- sending -----------------------------------------------------------------------------------------------

    /** Sends a protected request with the next message ID; {@code handler} gets the response on this executor. */
    void request(ExchangeType type, List<? extends IkePayload> payloads, ResponseHandler handler) {
        long id = nextRequestId++;
        IkeHeader h = IkeHeader.of(spiI, spiR, type, originalInitiator, false, id);
        startOutstanding(id, type, seal(h, payloads), handler);
    }

    /**
     * A request sent once, without retransmission or a wait for its answer: the INFORMATIONAL that tells the
     * responder its AUTH failed just before we drop the SA (§2.21.2).
     */
    void sendOnce(ExchangeType type, List<? extends IkePayload> payloads) {
        long id = nextRequestId++;
        sendAll(seal(IkeHeader.of(spiI, spiR, type, originalInitiator, false, id), payloads), path);
    }

    /** Sends (or re-sends after COOKIE / INVALID_KE_PAYLOAD) an IKE_SA_INIT request: always message ID 0. */
    void requestUnprotected(byte[] octets, ResponseHandler handler) {
        startOutstanding(0, ExchangeType.IKE_SA_INIT, List.of(octets), handler);
    }

    private void startOutstanding(long id, ExchangeType type, List<byte[]> datagrams, ResponseHandler handler) {
        if (outstanding != null) {
            cancel(outstanding.timer);
        }
        Outstanding o = new Outstanding(id, type.code(), datagrams, handler);
        outstanding = o;
        sendAll(datagrams, path);
        scheduleRetransmit(o, 0);
    }

    private void scheduleRetransmit(Outstanding o, int n) {
        long nanos = services.settings().retransmitDelay(n).toNanos();
        o.timer = later(() -> exec.execute(() -> retransmit(o, n)), nanos);
    }

    /**
     * Runs {@code task} on the timer thread after {@code nanos}; null once the daemon's timers are stopped (the
     * daemon is shutting down and every SA is being closed anyway).
     */
    ScheduledFuture<?> later(Runnable task, long nanos) {
        try {
            return services.timers().schedule(task, nanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    private void retransmit(Outstanding o, int n) {
        if (outstanding != o || state == IkeSaState.CLOSED) {
            return;
        }
        if (n >= services.settings().retransmitTries()) {
            outstanding = null;
            String exchange = ExchangeType.name(o.exchange);
            o.handler.onTimeout(exchange, n);
            if (state != IkeSaState.CLOSED) {
                fail("no answer to " + exchange + " #" + o.id + " from " + IkeSaInfo.address(path.remote()) + " after " + n
                        + " retransmissions");
            }
            return;
        }
        LOG.debug("{}: retransmitting {} #{} ({})", name(), ExchangeType.name(o.exchange), o.id, n + 1);
        sendAll(o.datagrams, path);
        scheduleRetransmit(o, n + 1);
    }

    /** Sends a protected response to {@code request} and caches it for retransmissions (§2.1). */
    void respond(IkeHeader request, List<? extends IkePayload> payloads) {
        IkeHeader h = IkeHeader.of(spiI, spiR, request.exchange(), originalInitiator, true, request.messageId());
        cacheAndSend(request.messageId(), seal(h, payloads));
    }

    /** Sends an unprotected IKE_SA_INIT response and caches it. */
    void respondUnprotected(long messageId, byte[] octets) {
        cacheAndSend(messageId, List.of(octets));
    }

    private void cacheAndSend(long messageId, List<byte[]> datagrams) {
        lastResponse = new Cached(messageId, datagrams);
        expectedPeerRequestId = messageId + 1;
        busy = false;
        sendAll(datagrams, path);
    }

    /** A retransmitted IKE_SA_INIT request (it still carries responder SPI 0, so the listener hands it here). */
    void retransmittedInit(IkeDatagram dg, IkeSender replies) {
        exec.execute(() -> {
            Cached last = lastResponse;
            if (last != null && last.id == 0 && dg.message().header().messageId() == 0) {
                sendAll(last.datagrams, replies);
                services.counters().countSa("retransmission-answered");
            } else {
                drop(lastResponse == null ? "ike-sa-init-in-progress" : "late-ike-sa-init-retransmission", dg);
            }
        });
    }

    /** SK, or SKF fragments once both sides announced RFC 7383 and the message would exceed the fragment size. */
    private List<byte[]> seal(IkeHeader h, List<? extends IkePayload> payloads) {
        int limit = services.settings().fragmentSize() - (path.natT() ? 4 : 0);
        if (fragmentation && protection.protectedLength(payloads) > limit) {
            return protection.protectFragments(h, payloads, new FragmentSize(limit));
        }
        return List.of(protection.protect(h, payloads));
    }

    private void sendAll(List<byte[]> datagrams, IkeSender to) {
        for (byte[] d : datagrams) {
            to.send(d).exceptionally(e -> {
                LOG.info("{}: sending to {} failed: {}", name(), to.remote(), e.toString());
                return null;
            });
        }
    }

    // ---- keys and state ----------------------------------------------------------------------------------------

    /** The IKE SA's keys exist: protect its messages from here on (§2.14). */
    void useKeys(IkeSuite negotiated, IkeSaSecrets derived) {
        suite = negotiated;
        keys = derived;
        protection = originalInitiator
                ? SkProtection.originalInitiator(negotiated.protection(), derived, DecodeLimits.DEFAULT)
                : SkProtection.originalResponder(negotiated.protection(), derived, DecodeLimits.DEFAULT);
        reassembler = new FragmentReassembler(protection, ReassemblyLimits.DEFAULT,
                services.budget(path.remote().getAddress()));
    }

    /** Responder: drop the SA if IKE_AUTH does not complete in time (§2.4 half-open SAs). */
    void startHalfOpenTimer() {
        halfOpenTimer = later(() -> exec.execute(() -> {
            if (state == IkeSaState.HALF_OPEN) {
                fail("half-open for " + services.settings().halfOpenTimeout().toSeconds() + " s without IKE_AUTH");
            }
        }), services.settings().halfOpenTimeout().toNanos());
    }

    /** Established: the IKE SA lives until its configured lifetime, then is deleted (rekeying comes later). */
    void markEstablished() {
        state = IkeSaState.ESTABLISHED;
        cancel(halfOpenTimer);
        // AUTH is done: the IKE_SA_INIT octets and nonces are no longer needed for it.
        realMessage1 = null;
        realMessage2 = null;
        IkeSaInfo info = info();
        LOG.info("IKE_SA {} established: {} <-> {} {}, {}", name(), IkeSaInfo.address(path.local()),
                IkeSaInfo.address(path.remote()), suite.describe(),
                localAuthUsed);
        services.events().ikeSaEstablished(info);
        established.complete(info);
        long life = connection.config().lifetime().toNanos();
        lifetimeTimer = later(() -> exec.execute(() -> {
            if (state == IkeSaState.ESTABLISHED) {
                InformationalExchange.deleteIkeSa(this, "lifetime " + connection.config().lifetime() + " expired");
            }
        }), life);
    }

    IkeSaInfo info() {
        InetSocketAddress local = path.local();
        InetSocketAddress remote = path.remote();
        return new IkeSaInfo(connection == null ? null : connection.name(), originalInitiator, spiI, spiR, local,
                remote, connection == null ? null : connection.config().localId().toString(), peerId, suite,
                localAuthUsed, remoteAuthUsed, services.crypto().tier(), nat.any(), fragmentation, children,
                services.tokenTime().peek(hex(spiI)));
    }

    /** Gives up on an SA that is not established; established ones are {@link #close}d. */
    void fail(String reason) {
        if (state == IkeSaState.CLOSED) {
            return;
        }
        boolean wasEstablished = state == IkeSaState.ESTABLISHED || state == IkeSaState.DELETING;
        if (!wasEstablished) {
            LOG.info("IKE_SA {} failed: {}", name(), reason);
            services.events().ikeSaFailed(info(), reason);
            established.completeExceptionally(new IkeSaFailure(reason));
        }
        close(reason, wasEstablished);
    }

    /**
     * Ends the SA: timers stop, CHILD_SAs are removed from the installer, keys destroyed; the SPI stays registered
     * for {@link ExchangeSettings#closedLinger()} so a retransmitted last request still gets its cached answer.
     */
    void close(String reason, boolean announce) {
        if (state == IkeSaState.CLOSED) {
            return;
        }
        boolean wasEstablished = state == IkeSaState.ESTABLISHED || state == IkeSaState.DELETING;
        state = IkeSaState.CLOSED;
        busy = false;
        if (outstanding != null) {
            cancel(outstanding.timer);
            outstanding = null;
        }
        cancel(halfOpenTimer);
        cancel(lifetimeTimer);
        for (ChildSaRecord c : children) {
            try {
                services.installer().remove(c);
            } catch (RuntimeException e) {
                LOG.warn("{}: removing CHILD_SA {} failed: {}", name(), c.describe(), e.toString());
            }
        }
        IkeSaInfo info = info();
        children.clear();
        destroyKeys();
        if (!established.isDone()) {
            established.completeExceptionally(new IkeSaFailure(reason));
        }
        if (wasEstablished && announce) {
            LOG.info("IKE_SA {} deleted: {}", name(), reason);
            services.events().ikeSaDeleted(info, reason);
        }
        services.tokenTime().take(hex(spiI));
        onClose.run();
        closed.complete(reason);
        long linger = services.settings().closedLinger().toNanos();
        if (linger == 0 || ourSpi() == 0 || lastResponse == null || later(this::unregister, linger) == null) {
            unregister();
        }
    }

    private void unregister() {
        if (ourSpi() != 0) {
            services.spis().unregister(ourSpi(), this);
        }
    }

    private void destroyKeys() {
        if (dhPair != null) {
            dhPair.destroy();
            dhPair = null;
        }
        if (reassembler != null) {
            reassembler.clear();
        }
        if (protection != null) {
            protection.destroy();
        }
        if (keys != null) {
            keys.destroy();
        }
        ni = nr = realMessage1 = realMessage2 = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "IkeSession[" + name() + " " + state + "]";
    }
}
