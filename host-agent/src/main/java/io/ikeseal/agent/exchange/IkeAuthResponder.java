package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.auth.AuthFailure;
import io.ikeseal.agent.auth.AuthOutcome;
import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.auth.PeerAuthenticator;
import io.ikeseal.agent.auth.SignedOctets;
import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.proposal.Selected;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.ts.Narrowing;
import io.ikeseal.agent.ts.NarrowingResult;
import io.ikeseal.agent.ts.TsPolicy;
import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/**
 * IKE_AUTH as responder (RFC 7296 §1.2): pick the connection by the peer's IDi (and the IDr it asked for), verify its
 * AUTH (certificate chain to our trust anchors and matching ID, or the PSK in the token), sign or MAC ours, and
 * negotiate the CHILD_SA: ESP proposal, traffic selectors narrowed per §2.9, mode. Answers HDR, SK {IDr, [CERT+],
 * AUTH, [N(USE_TRANSPORT_MODE)], SA, TSi, TSr}, or with N(NO_PROPOSAL_CHOSEN) / N(TS_UNACCEPTABLE) in place of the
 * CHILD_SA's payloads. A failed peer authentication gets N(AUTHENTICATION_FAILED), an audit record, and the SA goes.
 */
final class IkeAuthResponder {
    private static final Logger LOG = LoggerFactory.getLogger(IkeAuthResponder.class);

    private IkeAuthResponder() {
    }

    static void handle(IkeSession s, IkeMessage m, IkeDatagram dg) {
        IkeHeader h = m.header();
        Optional<IdentificationPayload> idi = m.identification(PayloadType.IDI);
        Optional<AuthenticationPayload> auth = m.first(AuthenticationPayload.class);
        if (idi.isEmpty() || auth.isEmpty()) {
            s.respond(h, List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX)));
            s.fail("IKE_AUTH request without " + (idi.isEmpty() ? "IDi" : "AUTH"));
            return;
        }
        Optional<IdentificationPayload> idr = m.identification(PayloadType.IDR);
        IkeIdentity claimed;
        try {
            claimed = IkeIdentity.of(idi.get());
        } catch (IllegalArgumentException e) {
            claimed = null;
        }
        Connection c = claimed == null ? null : choose(s, claimed, idr.orElse(null));
        if (c == null) {
            IkeIdentity who = claimed;
            PeerAuthenticator.refused(who, AuthFailure.ID_MISMATCH, "no connection for peer " + who + (idr.isPresent()
                    ? " asking for " + describe(idr.get()) : "") + " among " + s.candidates.stream()
                    .map(Connection::name).toList(), "AUTH method " + auth.get().method(), s.services.audit(),
                    s.auditContext()).whenCompleteAsync((o, e) -> authenticationFailed(s, h,
                    "no connection accepts peer " + who), s.exec);
            return;
        }
        s.connection = c;
        PeerAuthenticator peer = c.peerAuthenticator(s.services);
        byte[] octets = SignedOctets.initiator(s.realMessage1, s.nr, s.suite.prf(), s.keys.skPi(), idi.get());
        peer.verify(idi.get(), m.all(CertificatePayload.class), auth.get(), octets, s.suite.prf(), s.auditContext())
                .whenCompleteAsync((outcome, e) -> verified(s, m, outcome, e), s.exec);
    }

    /** The first connection (configuration order) whose remote ID and local ID fit, and that allows our suite. */
    private static Connection choose(IkeSession s, IkeIdentity peer, IdentificationPayload idr) {
        for (Connection c : s.candidates) {
            ConnectionConfig cfg = c.config();
            if (cfg.remoteId() != null && !cfg.remoteId().matches(peer)) {
                continue;
            }
            if (idr != null && !cfg.localId().matches(idr)) {
                continue;
            }
            boolean suiteAllowed = ProposalSelection.selectIke(List.of(s.acceptedProposal),
                    IkeSaInitInitiator.usable(s, cfg.proposals()), s.suite.group().id()).isPresent();
            if (suiteAllowed) {
                return c;
            }
        }
        return null;
    }

    private static String describe(IdentificationPayload id) {
        try {
            return IkeIdentity.of(id).toString();
        } catch (IllegalArgumentException e) {
            return "an unparsable ID";
        }
    }

    private static void verified(IkeSession s, IkeMessage m, AuthOutcome outcome, Throwable e) {
        IkeHeader h = m.header();
        if (s.state == IkeSaState.CLOSED) {
            return;
        }
        if (e != null || !outcome.authenticated()) {
            authenticationFailed(s, h, e != null ? "audit record not written: " + IkeKeyDerivation.describe(e)
                    : outcome.toString());
            return;
        }
        s.peerId = outcome.peer().toString();
        s.remoteAuthUsed = outcome.detail();
        Connection c = s.connection;
        IdentificationPayload idr = c.config().localId().toPayload(PayloadType.IDR);
        byte[] octets = SignedOctets.responder(s.realMessage2, s.ni, s.suite.prf(), s.keys.skPr(), idr);
        CompletableFuture<AuthenticationPayload> ours = c.localAuth().authenticate(octets, s.suite.prf(),
                s.peerHashes, s.auditContext());
        CompletableFuture<List<IkePayload>> child = child(s, m);
        ours.thenCombine(child, (a, cp) -> {
            List<IkePayload> p = new ArrayList<>();
            p.add(idr);
            p.addAll(c.localAuth().certificates());
            p.add(a);
            p.addAll(cp);
            s.localAuthUsed = c.authUsed(a.method(), s.peerHashes);
            return p;
        }).whenCompleteAsync((p, err) -> {
            if (s.state == IkeSaState.CLOSED) {
                return;
            }
            if (err != null) {
                // Our own token failed us: the peer gets no AUTH we could not make, and the SA goes.
                s.respond(h, List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED)));
                s.fail("our AUTH failed: " + IkeKeyDerivation.describe(err));
                return;
            }
            s.respond(h, p);
            s.markEstablished();
        }, s.exec);
    }

    private static void authenticationFailed(IkeSession s, IkeHeader h, String why) {
        if (s.state == IkeSaState.CLOSED) {
            return;
        }
        s.respond(h, List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED)));
        s.fail(why.startsWith("AUTHENTICATION_FAILED") ? why : "AUTHENTICATION_FAILED: " + why);
    }

    /** The CHILD_SA's payloads for the response, or the notification that says why there is none. */
    private static CompletableFuture<List<IkePayload>> child(IkeSession s, IkeMessage m) {
        Optional<SecurityAssociationPayload> sa = m.first(SecurityAssociationPayload.class);
        if (sa.isEmpty()) {
            return CompletableFuture.completedFuture(List.of()); // an IKE SA without CHILD_SA (RFC 6023)
        }
        Optional<TrafficSelectorPayload> tsi = m.trafficSelectors(PayloadType.TSI);
        Optional<TrafficSelectorPayload> tsr = m.trafficSelectors(PayloadType.TSR);
        List<ChildConfig> children = s.connection.config().children();
        if (tsi.isEmpty() || tsr.isEmpty() || children.isEmpty()) {
            // CVE-2009-1958 was an IKE_AUTH with SA but no TSi/TSr: refuse the CHILD_SA, never dereference.
            return refuseChild(s, NotifyType.TS_UNACCEPTABLE, children.isEmpty() ? "no CHILD_SA configured"
                    : "SA without TSi and TSr");
        }
        List<TsPolicy> policies = children.stream().map(c -> TsPolicy.resolve(c.remoteTs(), c.localTs(),
                s.path.remote().getAddress(), s.path.local().getAddress())).toList();
        NarrowingResult narrowed = Narrowing.respond(tsi.get(), tsr.get(), policies);
        if (narrowed instanceof NarrowingResult.Unacceptable u) {
            return refuseChild(s, NotifyType.TS_UNACCEPTABLE, u.reason());
        }
        NarrowingResult.Accepted a = (NarrowingResult.Accepted) narrowed;
        ChildConfig child = children.get(a.policyIndex());
        Optional<Selected<ChildSuite>> chosen = ProposalSelection.selectChild(sa.get().proposals(),
                child.espProposals(), true);
        if (chosen.isEmpty()) {
            return refuseChild(s, NotifyType.NO_PROPOSAL_CHOSEN, "no ESP proposal acceptable to " + child.name());
        }
        boolean transportAsked = m.notification(NotifyType.USE_TRANSPORT_MODE).isPresent();
        if (child.mode() == ChildSaMode.TRANSPORT && !transportAsked) {
            return refuseChild(s, NotifyType.NO_PROPOSAL_CHOSEN, child.name() + " is transport mode only");
        }
        ChildSaMode mode = transportAsked && child.mode() == ChildSaMode.TRANSPORT ? ChildSaMode.TRANSPORT
                : ChildSaMode.TUNNEL; // §1.3.1: not echoing USE_TRANSPORT_MODE declines it
        byte[] inbound = ChildSaSetup.newInboundSpi(s.services);
        ChildSuite suite = chosen.get().suite();
        return ChildSaSetup.keymat(s, suite).thenApplyAsync(keys -> {
            var r = ChildSaSetup.install(s, child, suite, mode, inbound, chosen.get().peerSpi(),
                    ChildSaSetup.ours(s, a.selectors()), ChildSaSetup.peers(s, a.selectors()), keys);
            if (r == null) {
                s.services.events().childSaFailed(s.info(), child.name(), "the installer refused it");
                return List.<IkePayload>of(NotifyPayload.of(NotifyType.NO_ADDITIONAL_SAS));
            }
            List<IkePayload> p = new ArrayList<>();
            if (mode == ChildSaMode.TRANSPORT) {
                p.add(NotifyPayload.of(NotifyType.USE_TRANSPORT_MODE));
            }
            p.add(new SecurityAssociationPayload(List.of(chosen.get().responseWithSpi(inbound))));
            p.add(a.selectors().tsiPayload());
            p.add(a.selectors().tsrPayload());
            if (a.additionalTsPossible()) {
                p.add(NotifyPayload.of(NotifyType.ADDITIONAL_TS_POSSIBLE));
            }
            return p;
        }, s.exec);
    }

    private static CompletableFuture<List<IkePayload>> refuseChild(IkeSession s, int notify, String why) {
        LOG.info("{}: CHILD_SA refused with {}: {}", s.name(), NotifyType.name(notify), why);
        s.services.events().childSaFailed(s.info(), "(requested)", NotifyType.name(notify) + ": " + why);
        return CompletableFuture.completedFuture(List.of(NotifyPayload.of(notify)));
    }
}
