package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.auth.SignatureHashes;
import io.ikeseal.agent.auth.TrustAnchors;
import io.ikeseal.agent.config.ConnectionConfig.AuthKind;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.proposal.Selected;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.CertificateRequestPayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.UnknownPayload;
import io.ikeseal.agent.wire.VendorIdPayload;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.InvalidPeerValueException;

/**
 * IKE_SA_INIT as responder (RFC 7296 §1.2): select a proposal, check the KE group (INVALID_KE_PAYLOAD naming the
 * group we chose, §1.2), generate our KE in the token, derive the keys, and answer HDR, SA, KE, Nr,
 * N(NAT_DETECTION_*), [CERTREQ], [N(IKEV2_FRAGMENTATION_SUPPORTED)], [N(SIGNATURE_HASH_ALGORITHMS)]. Error answers
 * (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD) carry responder SPI 0 and leave no state behind. Malformed or incomplete
 * requests are dropped: nothing unauthenticated may provoke an INVALID_SYNTAX (§3.10.1).
 */
final class IkeSaInitResponder implements ResponderTask {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSaInitResponder.class);

    private final IkeSa sa;
    private final IkeCrypto crypto;
    private final IkeRandom random;
    private final boolean fragmentation;
    private final TrustAnchors anchors;
    private final Refusals refusals;
    /** Our token work for this request is over; failures close the SA, which says the same. */
    private final Runnable answered;

    IkeSaInitResponder(
            IkeSa sa,
            IkeCrypto crypto,
            IkeRandom random,
            boolean fragmentation,
            TrustAnchors anchors,
            Refusals refusals,
            Runnable answered) {
        this.sa = sa;
        this.refusals = refusals;
        this.answered = answered;
        this.crypto = crypto;
        this.random = random;
        this.fragmentation = fragmentation;
        this.anchors = anchors;
    }

    /**
     * §1.2: an IKE_SA_INIT request is HDR, SAi1, KEi, Ni with notifications (and V, CERTREQ, unknown non-critical
     * payloads, §2.5); AUTH, IDs, CERT, SK and the like belong to later exchanges and get a drop, not token work.
     */
    private static boolean misplaced(IkePayload p) {
        return !(p instanceof SecurityAssociationPayload
                || p instanceof KeyExchangePayload
                || p instanceof NoncePayload
                || p instanceof NotifyPayload
                || p instanceof VendorIdPayload
                || p instanceof CertificateRequestPayload
                || p instanceof UnknownPayload);
    }

    @Override
    public void handle(IkeMessage m, IkeDatagram dg) {
        List<SecurityAssociationPayload> saPayload = m.all(SecurityAssociationPayload.class);
        List<KeyExchangePayload> ke = m.all(KeyExchangePayload.class);
        List<NoncePayload> ni = m.all(NoncePayload.class);
        if (saPayload.size() != 1
                || ke.size() != 1
                || ni.size() != 1
                || m.payloads().stream().anyMatch(IkeSaInitResponder::misplaced)) {
            sa.tasks().drop("ike-sa-init-payloads", dg); // CVE-2013-6467: a missing payload is never dereferenced
            sa.close(
                    "IKE_SA_INIT request without exactly one SA, KE and Ni, or with a payload of a later exchange",
                    false);
            return;
        }
        List<ConfiguredProposal> ours = new ArrayList<>();
        for (Connection c : sa.candidates()) {
            ours.addAll(ServedProposals.usable(crypto.dhGroups(), c.config().proposals()));
        }
        Optional<Selected<IkeSuite>> chosen = ProposalSelection.selectIke(
                saPayload.getFirst().proposals(), ours, ke.getFirst().dhGroup());
        if (chosen.isEmpty()) {
            refuse(
                    dg,
                    NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN),
                    sa.candidates().isEmpty()
                            ? "no connection for " + dg.recipient().getAddress().getHostAddress() + " <-> "
                                    + IkeSaInfo.address(dg.sender())
                            : "no proposal acceptable to "
                                    + sa.candidates().stream()
                                            .map(Connection::name)
                                            .toList());
            return;
        }
        IkeSuite suite = chosen.get().suite();
        if (ke.getFirst().dhGroup() != suite.group().id()) {
            refuse(
                    dg,
                    NotifyPayload.invalidKe(suite.group().id()),
                    "KE of group " + ke.getFirst().dhGroup() + ", we chose "
                            + suite.group().proposalName());
            return;
        }
        if (ni.getFirst().nonce().length < suite.prf().outputLength() / 2) {
            sa.tasks().drop("nonce-too-short", dg); // §2.10: at least half the PRF's key size
            sa.close("Ni shorter than half the PRF's key size", false);
            return;
        }
        KeyExchangePayload peerKe = ke.getFirst();
        try {
            // RFC 6989 §2: the peer's value is checked before anything else, so an invalid one costs no token call.
            crypto.checkPeerValue(suite.group(), peerKe.keyExchangeData());
        } catch (InvalidPeerValueException e) {
            sa.tasks().drop("invalid-ke-value", dg);
            sa.close("IKE_SA_INIT from " + IkeSaInfo.address(dg.sender()) + ": " + e.getMessage(), false);
            return;
        }
        byte[] nr = random.bytes(
                Math.max(IkeSaInitInitiator.NONCE_LENGTH, suite.prf().outputLength()));
        boolean both = fragmentation
                && m.notification(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        boolean announceHashes =
                m.notification(NotifyType.SIGNATURE_HASH_ALGORITHMS).isPresent();
        IkeSaInitResult partial = new IkeSaInitResult(
                ni.getFirst().nonce(),
                nr,
                dg.octets(),
                null,
                suite,
                chosen.get().response(),
                NatDetection.check(m.notifications(), sa.spiI(), 0, dg.sender(), dg.recipient())
                        .forcing(forcesEncapsulation()),
                both,
                SignatureHashes.announcedBy(m.notifications()),
                List.of());
        Continuations.on(
                sa.exec(),
                crypto.responderShare(suite.group(), sa.auditContext()).thenCompose(share -> {
                    byte[] keData = share.keyExchangeData();
                    return IkeKeyDerivation.derive(crypto, sa, partial, share, peerKe)
                            .thenApply(k -> new Derived(keData, k));
                }),
                (d, e) -> {
                    if (e != null) {
                        Throwable c = e.getCause() != null ? e.getCause() : e;
                        if (c instanceof InvalidPeerValueException) {
                            sa.tasks()
                                    .drop("invalid-ke-value", dg); // checked again by the port's agreement; unanswered
                        } else {
                            // The token refused or failed (e.g. the audit log cannot be written, so no token
                            // operation starts): unanswered, and closing leaves no state.
                            sa.tasks().drop("token-failed", dg);
                        }
                        sa.close(
                                "IKE_SA_INIT from " + IkeSaInfo.address(dg.sender()) + ": "
                                        + IkeKeyDerivation.describe(e),
                                false);
                        return;
                    }
                    if (sa.isClosed()) {
                        d.keys().destroy();
                        return;
                    }
                    answer(partial, d, dg, announceHashes);
                });
    }

    private void answer(IkeSaInitResult partial, Derived d, IkeDatagram dg, boolean announceHashes) {
        IkeSuite suite = partial.suite();
        List<IkePayload> p = new ArrayList<>();
        p.add(new SecurityAssociationPayload(List.of(partial.acceptedProposal())));
        p.add(new KeyExchangePayload(suite.group().id(), d.keData()));
        p.add(new NoncePayload(partial.nr()));
        p.addAll(NatDetection.notifications(sa.spiI(), sa.spiR(), dg.recipient(), dg.sender(), forcesEncapsulation()));
        boolean certificates = sa.candidates().stream().anyMatch(c -> c.config().remoteAuth() == AuthKind.PUBKEY);
        if (certificates && !anchors.certificates().isEmpty()) {
            p.add(anchors.certificateRequest());
        }
        if (partial.fragmentation()) {
            p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        if (announceHashes) {
            p.add(SignatureHashes.announcement());
        }
        byte[] octets = new IkeMessage(IkeHeader.of(sa.spiI(), sa.spiR(), ExchangeType.IKE_SA_INIT, false, true, 0), p)
                .encode();
        sa.keyed(
                new IkeSaInitResult(
                        partial.ni(),
                        partial.nr(),
                        partial.message1(),
                        octets,
                        suite,
                        partial.acceptedProposal(),
                        partial.nat(),
                        partial.fragmentation(),
                        partial.peerHashes(),
                        List.of()),
                d.keys());
        sa.tasks().respondUnprotected(0, octets);
        answered.run();
        LOG.debug(
                "{}: IKE_SA_INIT answered, {}{}",
                sa.name(),
                suite.describe(),
                partial.nat().natSeen() ? ", NAT detected" : "");
    }

    private boolean forcesEncapsulation() {
        return sa.settings().limits().forceUdpEncapsulation();
    }

    private record Derived(byte[] keData, IkeSaSecrets keys) {}

    /**
     * An unprotected error answer with responder SPI 0 (§1.2, §2.6), and no state kept. Answer and log line only as
     * {@link Refusals} allows: the source may be forged, and each refusal is counted either way.
     */
    private void refuse(IkeDatagram dg, NotifyPayload error, String why) {
        String reason = NotifyType.name(error.notifyType());
        if (refusals.allow(dg.sender().getAddress(), reason)) {
            IkeHeader h = IkeHeader.of(sa.spiI(), 0, ExchangeType.IKE_SA_INIT, false, true, 0);
            sa.path().send(new IkeMessage(h, List.of(error)).encode()).exceptionally(e -> null); // as a lost datagram
            LOG.info("IKE_SA_INIT from {} refused with {}: {}", IkeSaInfo.address(dg.sender()), reason, why);
        }
        sa.close(reason, false);
    }
}
