package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import io.ikeseal.agent.auth.AuthFailure;
import io.ikeseal.agent.auth.AuthOutcome;
import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.auth.PeerAuthenticator;
import io.ikeseal.agent.auth.SignedOctets;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.hsm.api.DhGroup;

/**
 * IKE_AUTH as responder (RFC 7296 §1.2): pick the connection by the peer's IDi (and the IDr it asked for), verify its
 * AUTH (certificate chain to our trust anchors and matching ID, or the PSK in the token), sign or MAC ours, and
 * negotiate the CHILD_SA ({@link ChildSaNegotiation}). Answers HDR, SK {IDr, [CERT+], AUTH, [N(USE_TRANSPORT_MODE)],
 * SA, TSi, TSr}, or with N(NO_PROPOSAL_CHOSEN) / N(TS_UNACCEPTABLE) in place of the CHILD_SA's payloads. A failed
 * peer authentication gets N(AUTHENTICATION_FAILED), an audit record, and the SA goes.
 */
final class IkeAuthResponder implements ResponderTask {
    private final IkeSa sa;
    private final Credentials credentials;
    private final ConnectionSet.Snapshot current;
    private final ChildSaNegotiation negotiation;
    private final Set<DhGroup> served;

    /**
     * @param current the configuration in force as the request arrives: its credentials, and which of the SA's
     *                candidate connections are still configured (a reload in between may have removed some)
     * @param served  the DH groups the key-exchange token serves (a connection must allow the IKE suite)
     */
    IkeAuthResponder(IkeSa sa, ConnectionSet.Snapshot current, ChildSaNegotiation negotiation, Set<DhGroup> served) {
        this.sa = sa;
        this.current = current;
        this.credentials = current.credentials();
        this.negotiation = negotiation;
        this.served = served;
    }

    @Override
    public void handle(IkeMessage m, IkeDatagram dg) {
        IkeHeader h = m.header();
        Optional<IdentificationPayload> idi = m.identification(PayloadType.IDI);
        Optional<AuthenticationPayload> auth = m.first(AuthenticationPayload.class);
        if (idi.isEmpty() || auth.isEmpty()) {
            sa.tasks().respond(h, List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX)));
            sa.fail("IKE_AUTH request without " + (idi.isEmpty() ? "IDi" : "AUTH"));
            return;
        }
        Optional<IdentificationPayload> idr = m.identification(PayloadType.IDR);
        IkeIdentity claimed;
        try {
            claimed = IkeIdentity.of(idi.get());
        } catch (IllegalArgumentException e) {
            claimed = null;
        }
        Connection c = claimed == null ? null : choose(claimed, idr.orElse(null));
        if (c == null) {
            IkeIdentity who = claimed;
            Continuations.on(
                    sa.exec(),
                    PeerAuthenticator.refused(
                            who,
                            AuthFailure.ID_MISMATCH,
                            "no connection for peer " + who
                                    + (idr.isPresent() ? " asking for " + describe(idr.get()) : "") + " among "
                                    + sa.candidates().stream()
                                            .map(Connection::name)
                                            .toList(),
                            "AUTH method " + auth.get().method(),
                            credentials.audit(),
                            sa.auditContext()),
                    (o, e) -> authenticationFailed(h, "no connection accepts peer " + who));
            return;
        }
        sa.chooseConnection(c);
        sa.shared().live().connectionChosen(sa); // INITIAL_CONTACT asks by connection (§2.4)
        IkeSaInitResult init = sa.init();
        PeerAuthenticator peer = credentials.peerAuthenticator(c.config());
        byte[] octets = SignedOctets.initiator(
                init.message1(), init.nr(), init.suite().prf(), sa.keys().skPi(), idi.get());
        Continuations.on(
                sa.exec(),
                peer.verify(
                        idi.get(),
                        m.all(CertificatePayload.class),
                        auth.get(),
                        octets,
                        init.suite().prf(),
                        sa.auditContext()),
                (outcome, e) -> verified(m, outcome, e));
    }

    /** The first connection (configuration order) whose remote ID and local ID fit, and that allows our suite. */
    private Connection choose(IkeIdentity peer, IdentificationPayload idr) {
        for (Connection c : sa.candidates()) {
            ConnectionConfig cfg = c.config();
            if (!current.current(c)) {
                continue;
            }
            if (cfg.remoteId() != null && !cfg.remoteId().matches(peer)) {
                continue;
            }
            if (idr != null && !cfg.localId().matches(idr)) {
                continue;
            }
            boolean suiteAllowed = ProposalSelection.selectIke(
                            List.of(sa.init().acceptedProposal()),
                            ServedProposals.usable(served, cfg.proposals()),
                            sa.init().suite().group().id())
                    .isPresent();
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

    private void verified(IkeMessage m, AuthOutcome outcome, Throwable e) {
        IkeHeader h = m.header();
        if (sa.isClosed()) {
            return;
        }
        if (e != null || !outcome.authenticated()) {
            authenticationFailed(
                    h, e != null ? "audit record not written: " + IkeKeyDerivation.describe(e) : outcome.toString());
            return;
        }
        sa.auth().peer(outcome.peer().toString(), outcome.detail());
        InitialContact.received(sa, m);
        sa.tasks().peerWindow(m);
        Connection c = sa.connection();
        IkeSaInitResult init = sa.init();
        IdentificationPayload idr = c.config().localId().toPayload(PayloadType.IDR);
        byte[] octets = SignedOctets.responder(
                init.message2(), init.ni(), init.suite().prf(), sa.keys().skPr(), idr);
        CompletableFuture<AuthenticationPayload> ours =
                c.localAuth().authenticate(octets, init.suite().prf(), init.peerHashes(), sa.auditContext());
        CompletableFuture<PendingChildSa> child =
                negotiation.respond(sa, m, c.config().children(), ChildKeying.of(sa));
        // Both complete before we go on, so a CHILD_SA whose KEYMAT came while our AUTH failed is discarded.
        CompletableFuture<Void> both = Continuations.thenRecordsDurable(sa, CompletableFuture.allOf(ours, child));
        Continuations.on(sa.exec(), both, (v, err) -> {
            PendingChildSa pending = child.state() == Future.State.SUCCESS ? child.resultNow() : null;
            if (sa.isClosed() || err != null) {
                if (pending != null) {
                    pending.discard();
                }
                if (!sa.isClosed()) {
                    // Our own token failed us: the peer gets no AUTH we could not make, and the SA goes.
                    sa.tasks().respond(h, List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED)));
                    sa.fail("our AUTH failed: " + IkeKeyDerivation.describe(err));
                }
                return;
            }
            AuthenticationPayload a = ours.resultNow();
            List<IkePayload> p = new ArrayList<>();
            p.add(idr);
            p.addAll(c.localAuth().certificates());
            p.add(a);
            sa.tasks().ourWindow().ifPresent(p::add);
            sa.auth().local(c.authUsed(a.method(), init.peerHashes()));
            // §1.2: the CHILD_SA exists once the IKE SA does; it is installed before its SA payload goes out.
            sa.markEstablished(() -> p.addAll(pending.complete()));
            sa.tasks().respond(h, p);
        });
    }

    private void authenticationFailed(IkeHeader h, String why) {
        if (sa.isClosed()) {
            return;
        }
        sa.tasks().respond(h, List.of(NotifyPayload.of(NotifyType.AUTHENTICATION_FAILED)));
        sa.fail(why.startsWith("AUTHENTICATION_FAILED") ? why : "AUTHENTICATION_FAILED: " + why);
    }
}
