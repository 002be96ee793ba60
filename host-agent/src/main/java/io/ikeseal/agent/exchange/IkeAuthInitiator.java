package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.auth.AuthOutcome;
import io.ikeseal.agent.auth.LocalAuthenticator;
import io.ikeseal.agent.auth.PeerAuthenticator;
import io.ikeseal.agent.auth.SignedOctets;
import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.ProtocolId;

/**
 * IKE_AUTH as initiator (RFC 7296 §1.2): HDR, SK {IDi, [CERT+], [CERTREQ], [IDr], AUTH, [N(USE_TRANSPORT_MODE)],
 * SA, TSi, TSr} for the connection's first CHILD_SA. The response's AUTH is verified against the responder's
 * certificate or the PSK; a failure is reported to the responder with N(AUTHENTICATION_FAILED) in an INFORMATIONAL
 * (§2.21.2) and the SA is dropped. A CHILD_SA error leaves the IKE SA standing (§1.2).
 */
final class IkeAuthInitiator implements InitiatorTask {
    private static final Logger LOG = LoggerFactory.getLogger(IkeAuthInitiator.class);

    private final IkeSa sa;
    private final Credentials credentials;
    private final ChildSaNegotiation negotiation;
    private final ChildConfig child;
    private final IdentificationPayload idi;
    private ChildSaNegotiation.Offer offer;

    IkeAuthInitiator(IkeSa sa, Credentials credentials, ChildSaNegotiation negotiation) {
        this.sa = sa;
        this.credentials = credentials;
        this.negotiation = negotiation;
        ConnectionConfig c = sa.connection().config();
        this.child = c.children().isEmpty() ? null : c.children().getFirst();
        this.idi = c.localId().toPayload(PayloadType.IDI);
    }

    @Override
    public void start() {
        IkeSaInitResult init = sa.init();
        byte[] octets = SignedOctets.initiator(
                init.message1(), init.nr(), init.suite().prf(), sa.keys().skPi(), idi);
        LocalAuthenticator local = sa.connection().localAuth();
        Continuations.on(
                sa.exec(),
                local.authenticate(octets, init.suite().prf(), init.peerHashes(), sa.auditContext()),
                (auth, e) -> {
                    if (e != null) {
                        sa.fail("our AUTH failed: " + IkeKeyDerivation.describe(e));
                    } else if (!sa.isClosed()) {
                        send(auth, local);
                    }
                });
    }

    private void send(AuthenticationPayload auth, LocalAuthenticator local) {
        ConnectionConfig c = sa.connection().config();
        List<IkePayload> p = new ArrayList<>();
        p.add(idi);
        p.addAll(local.certificates());
        if (c.remoteAuth() == ConnectionConfig.AuthKind.PUBKEY
                && !credentials.anchors().certificates().isEmpty()) {
            p.add(credentials.anchors().certificateRequest());
        }
        if (c.remoteId() != null) {
            p.add(c.remoteId().toPayload(PayloadType.IDR)); // §2.5: the responder we want to talk to
        }
        p.add(auth);
        InitialContact.forRequest(sa).ifPresent(p::add); // §2.4: our first SA between these identities
        sa.tasks().ourWindow().ifPresent(p::add);
        if (child != null) {
            offer = negotiation.offer(sa, child);
            p.addAll(offer.payloads());
        }
        sa.authenticating(sa.connection().authUsed(auth.method(), sa.init().peerHashes()));
        sa.tasks().send(this, ExchangeType.IKE_AUTH, p);
    }

    @Override
    public void onResponse(IkeMessage m, IkeDatagram dg) {
        Optional<IdentificationPayload> idr = m.identification(PayloadType.IDR);
        Optional<AuthenticationPayload> auth = m.first(AuthenticationPayload.class);
        if (idr.isEmpty() || auth.isEmpty()) {
            Optional<NotifyPayload> error = m.error();
            sa.fail(error.map(n -> NotifyType.name(n.notifyType()) + " from the responder")
                    .orElse("IKE_AUTH response without IDr and AUTH"));
            return;
        }
        IkeSaInitResult init = sa.init();
        PeerAuthenticator peer = credentials.peerAuthenticator(sa.connection().config());
        byte[] octets = SignedOctets.responder(
                init.message2(), init.ni(), init.suite().prf(), sa.keys().skPr(), idr.get());
        Continuations.on(
                sa.exec(),
                peer.verify(
                        idr.get(),
                        m.all(CertificatePayload.class),
                        auth.get(),
                        octets,
                        init.suite().prf(),
                        sa.auditContext()),
                (outcome, e) -> verified(m, outcome, e));
    }

    private void verified(IkeMessage m, AuthOutcome outcome, Throwable e) {
        if (sa.isClosed()) {
            return;
        }
        if (e != null || !outcome.authenticated()) {
            String why = e != null
                    ? "audit record not written: " + IkeKeyDerivation.describe(e)
                    : outcome.failure().code() + " " + outcome.peer() + ": " + outcome.detail();
            // §2.21.2: an error on the initiator is reported in a separate INFORMATIONAL exchange.
            sa.tasks()
                    .sendOnce(ExchangeType.INFORMATIONAL, List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED)));
            sa.fail("AUTHENTICATION_FAILED: the responder's AUTH: " + why);
            return;
        }
        sa.auth().peer(outcome.peer().toString(), outcome.detail());
        InitialContact.received(sa, m);
        sa.tasks().peerWindow(m);
        if (child == null) {
            sa.markEstablished();
            return;
        }
        // Issue 9 item 5: KEYMAT is derived first (a token call), but the CHILD_SA is installed and announced only
        // once the IKE SA is established, on the SA's executor; if the SA closed meanwhile its keys are discarded.
        CompletableFuture<ChildSaNegotiation.Outcome> accepted =
                Continuations.thenRecordsDurable(sa, negotiation.accept(sa, offer, m, ChildKeying.of(sa)));
        Continuations.on(sa.exec(), accepted, (o, error) -> {
            if (sa.isClosed()) {
                if (o != null) {
                    o.discard();
                }
                return;
            }
            ChildSaNegotiation.Outcome out = o != null
                    ? o
                    : ChildSaNegotiation.Outcome.failed("CHILD_SA setup: " + IkeKeyDerivation.describe(error), true);
            sa.markEstablished(() -> {
                if (out.failure() != null) {
                    childFailed(out.failure(), out.deleteAtPeer());
                } else if (out.pending().complete() == null) {
                    childFailed("the installer refused it", true);
                }
            });
            startFurtherChildren();
        });
    }

    /** The connection's other children are "started together": CREATE_CHILD_SA each, right away (§1.3.1). */
    private void startFurtherChildren() {
        List<ChildConfig> all = sa.connection().config().children();
        for (ChildConfig c : all.subList(1, all.size())) {
            if (!sa.isClosed()) {
                sa.tasks().queue(new ChildSaCreateInitiator(sa, c, new ChildSaCreateInitiator.Purpose() {}));
            }
        }
    }

    /** The IKE SA stays; if the responder has the CHILD_SA, tell it to delete its half (§1.4.1). */
    private void childFailed(String reason, boolean deleteAtPeer) {
        sa.outputs().events().childSaFailed(sa.info(), child.name(), reason);
        LOG.info("{}: CHILD_SA {} failed: {}", sa.name(), child.name(), reason);
        if (deleteAtPeer) {
            sa.tasks()
                    .queue(new ChildSaDeleteInitiator(
                            sa, new DeletePayload(ProtocolId.ESP, List.of(offer.inboundSpi()))));
        }
    }
}
