package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ikeseal.agent.auth.AuthOutcome;
import io.ikeseal.agent.auth.LocalAuthenticator;
import io.ikeseal.agent.auth.PeerAuthenticator;
import io.ikeseal.agent.auth.SignedOctets;
import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.ts.InitiatorCheck;
import io.ikeseal.agent.ts.InitiatorOutcome;
import io.ikeseal.agent.ts.TsPair;
import io.ikeseal.agent.ts.TsPolicy;
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
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/**
 * IKE_AUTH as initiator (RFC 7296 §1.2): HDR, SK {IDi, [CERT+], [CERTREQ], [IDr], AUTH, [N(USE_TRANSPORT_MODE)],
 * SA, TSi, TSr} for the connection's first CHILD_SA. The response's AUTH is verified against the responder's
 * certificate or the PSK; a failure is reported to the responder with N(AUTHENTICATION_FAILED) in an INFORMATIONAL
 * (§2.21.2) and the SA is dropped. A CHILD_SA error leaves the IKE SA standing (§1.2).
 */
final class IkeAuthInitiator implements IkeSession.ResponseHandler {
    private final IkeSession s;
    private final ChildConfig child;
    private final IdentificationPayload idi;
    private byte[] inboundSpi;
    private TsPair proposedTs;
    private List<Proposal> sentEsp = List.of();

    private IkeAuthInitiator(IkeSession s) {
        this.s = s;
        this.child = s.connection.config().children().isEmpty() ? null : s.connection.config().children().getFirst();
        this.idi = s.connection.config().localId().toPayload(PayloadType.IDI);
    }

    static void start(IkeSession s) {
        IkeAuthInitiator x = new IkeAuthInitiator(s);
        byte[] octets = SignedOctets.initiator(s.realMessage1, s.nr, s.suite.prf(), s.keys.skPi(), x.idi);
        LocalAuthenticator local = s.connection.localAuth();
        local.authenticate(octets, s.suite.prf(), s.peerHashes, s.auditContext()).whenCompleteAsync((auth, e) -> {
            if (e != null) {
                s.fail("our AUTH failed: " + IkeKeyDerivation.describe(e));
            } else if (s.state != IkeSaState.CLOSED) {
                x.send(auth, local);
            }
        }, s.exec);
    }

    private void send(AuthenticationPayload auth, LocalAuthenticator local) {
        ConnectionConfig c = s.connection.config();
        List<IkePayload> p = new ArrayList<>();
        p.add(idi);
        p.addAll(local.certificates());
        if (c.remoteAuth() == ConnectionConfig.AuthKind.PUBKEY && !s.services.anchors().certificates().isEmpty()) {
            p.add(s.services.anchors().certificateRequest());
        }
        if (c.remoteId() != null) {
            p.add(c.remoteId().toPayload(PayloadType.IDR)); // §2.5: the responder we want to talk to
        }
        p.add(auth);
        if (child != null) {
            if (child.mode() == ChildSaMode.TRANSPORT) {
                p.add(NotifyPayload.of(NotifyType.USE_TRANSPORT_MODE));
            }
            inboundSpi = ChildSaSetup.newInboundSpi(s.services);
            List<Proposal> esp = new ArrayList<>();
            for (ConfiguredProposal cp : child.espProposals()) {
                // No KE payload in IKE_AUTH, so no DH transforms either (the CHILD_SA's keys come from SK_d).
                esp.add(cp.toWire(esp.size() + 1, inboundSpi, false));
            }
            sentEsp = esp;
            TsPolicy policy = TsPolicy.resolve(child.remoteTs(), child.localTs(), s.path.remote().getAddress(),
                    s.path.local().getAddress());
            proposedTs = policy.proposal();
            p.add(new SecurityAssociationPayload(esp));
            p.add(proposedTs.tsiPayload());
            p.add(proposedTs.tsrPayload());
        }
        s.localAuthUsed = s.connection.authUsed(auth.method(), s.peerHashes);
        s.state = IkeSaState.AUTHENTICATING;
        s.request(ExchangeType.IKE_AUTH, p, this);
    }

    @Override
    public void onResponse(IkeMessage m, IkeDatagram dg) {
        Optional<IdentificationPayload> idr = m.identification(PayloadType.IDR);
        Optional<AuthenticationPayload> auth = m.first(AuthenticationPayload.class);
        if (idr.isEmpty() || auth.isEmpty()) {
            Optional<NotifyPayload> error = m.error();
            s.fail(error.map(n -> NotifyType.name(n.notifyType()) + " from the responder")
                    .orElse("IKE_AUTH response without IDr and AUTH"));
            return;
        }
        PeerAuthenticator peer = s.connection.peerAuthenticator(s.services);
        byte[] octets = SignedOctets.responder(s.realMessage2, s.ni, s.suite.prf(), s.keys.skPr(), idr.get());
        peer.verify(idr.get(), m.all(CertificatePayload.class), auth.get(), octets, s.suite.prf(), s.auditContext())
                .whenCompleteAsync((outcome, e) -> verified(m, outcome, e), s.exec);
    }

    private void verified(IkeMessage m, AuthOutcome outcome, Throwable e) {
        if (s.state == IkeSaState.CLOSED) {
            return;
        }
        if (e != null || !outcome.authenticated()) {
            String why = e != null ? "audit record not written: " + IkeKeyDerivation.describe(e)
                    : outcome.failure().code() + " " + outcome.peer() + ": " + outcome.detail();
            // §2.21.2: an error on the initiator is reported in a separate INFORMATIONAL exchange.
            s.sendOnce(ExchangeType.INFORMATIONAL, List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED)));
            s.fail("AUTHENTICATION_FAILED: the responder's AUTH: " + why);
            return;
        }
        s.peerId = outcome.peer().toString();
        s.remoteAuthUsed = outcome.detail();
        if (child == null) {
            s.markEstablished();
            return;
        }
        childResult(m);
    }

    private void childResult(IkeMessage m) {
        Optional<NotifyPayload> error = m.error();
        Optional<SecurityAssociationPayload> sa = m.first(SecurityAssociationPayload.class);
        Optional<TrafficSelectorPayload> tsi = m.trafficSelectors(PayloadType.TSI);
        Optional<TrafficSelectorPayload> tsr = m.trafficSelectors(PayloadType.TSR);
        if (error.isPresent() || sa.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) {
            childFailed(error.map(n -> NotifyType.name(n.notifyType()) + " from the responder")
                    .orElse("no SA, TSi and TSr in the IKE_AUTH response"), false);
            s.markEstablished();
            return;
        }
        Optional<ChildSuite> suite = ProposalSelection.acceptChild(sa.get().proposals(), sentEsp);
        if (suite.isEmpty()) {
            childFailed("the responder chose an ESP proposal we did not offer", true);
            s.markEstablished();
            return;
        }
        boolean transport = m.notification(NotifyType.USE_TRANSPORT_MODE).isPresent();
        if (transport != (child.mode() == ChildSaMode.TRANSPORT)) {
            childFailed("the responder " + (transport ? "chose transport mode we did not ask for"
                    : "refused transport mode"), true);
            s.markEstablished();
            return;
        }
        InitiatorOutcome ts = InitiatorCheck.check(proposedTs, tsi.get(), tsr.get());
        if (ts instanceof InitiatorOutcome.Rejected r) {
            childFailed("traffic selectors: " + r.detail(), true);
            s.markEstablished();
            return;
        }
        TsPair agreed = ((InitiatorOutcome.Accepted) ts).selectors();
        byte[] outbound = sa.get().proposals().getFirst().spi();
        ChildSaSetup.keymat(s, suite.get()).whenCompleteAsync((keys, e) -> {
            if (e != null) {
                childFailed("KEYMAT: " + IkeKeyDerivation.describe(e), true);
                s.markEstablished();
                return;
            }
            if (s.state == IkeSaState.CLOSED) {
                keys.destroy();
                return;
            }
            var r = ChildSaSetup.install(s, child, suite.get(), child.mode(), inboundSpi, outbound,
                    ChildSaSetup.ours(s, agreed), ChildSaSetup.peers(s, agreed), keys);
            if (r == null) {
                childFailed("the installer refused it", true);
            }
            s.markEstablished();
        }, s.exec);
    }

    /** The IKE SA stays; if the responder has the CHILD_SA, tell it to delete its half (§1.4.1). */
    private void childFailed(String reason, boolean deleteAtPeer) {
        s.services.events().childSaFailed(s.info(), child.name(), reason);
        org.slf4j.LoggerFactory.getLogger(IkeAuthInitiator.class).info("{}: CHILD_SA {} failed: {}", s.name(),
                child.name(), reason);
        if (deleteAtPeer) {
            InformationalExchange.request(s, List.of(new DeletePayload(ProtocolId.ESP, List.of(inboundSpi))));
        }
    }
}
