package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.auth.SignatureHashes;
import io.ikeseal.agent.config.ConnectionConfig.AuthKind;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.proposal.Selected;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.InvalidPeerValueException;

/**
 * IKE_SA_INIT as responder (RFC 7296 §1.2): select a proposal, check the KE group (INVALID_KE_PAYLOAD naming the
 * group we chose, §1.2), generate our KE in the token, derive the keys, and answer HDR, SA, KE, Nr,
 * N(NAT_DETECTION_*), [CERTREQ], [N(IKEV2_FRAGMENTATION_SUPPORTED)], [N(SIGNATURE_HASH_ALGORITHMS)]. Error answers
 * (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD) carry responder SPI 0 and leave no state behind. Malformed or incomplete
 * requests are dropped: nothing unauthenticated may provoke an INVALID_SYNTAX (§3.10.1).
 */
final class IkeSaInitResponder {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSaInitResponder.class);

    private IkeSaInitResponder() {
    }

    static void handle(IkeSession s, IkeDatagram dg) {
        IkeMessage m = dg.message();
        List<SecurityAssociationPayload> sa = m.all(SecurityAssociationPayload.class);
        List<KeyExchangePayload> ke = m.all(KeyExchangePayload.class);
        List<NoncePayload> ni = m.all(NoncePayload.class);
        if (sa.size() != 1 || ke.size() != 1 || ni.size() != 1) {
            s.drop("ike-sa-init-payloads", dg); // CVE-2013-6467: a missing payload is never dereferenced
            s.close("IKE_SA_INIT request without exactly one SA, KE and Ni", false);
            return;
        }
        List<ConfiguredProposal> ours = new ArrayList<>();
        for (Connection c : s.candidates) {
            ours.addAll(IkeSaInitInitiator.usable(s, c.config().proposals()));
        }
        Optional<Selected<IkeSuite>> chosen = ProposalSelection.selectIke(sa.getFirst().proposals(), ours,
                ke.getFirst().dhGroup());
        if (chosen.isEmpty()) {
            refuse(s, dg, NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN), s.candidates.isEmpty()
                    ? "no connection for " + dg.recipient().getAddress().getHostAddress() + " <-> "
                    + IkeSaInfo.address(dg.sender())
                    : "no proposal acceptable to " + s.candidates.stream().map(Connection::name).toList());
            return;
        }
        IkeSuite suite = chosen.get().suite();
        if (ke.getFirst().dhGroup() != suite.group().id()) {
            refuse(s, dg, NotifyPayload.invalidKe(suite.group().id()), "KE of group " + ke.getFirst().dhGroup()
                    + ", we chose " + suite.group().proposalName());
            return;
        }
        if (ni.getFirst().nonce().length < suite.prf().outputLength() / 2) {
            s.drop("nonce-too-short", dg); // §2.10: at least half the PRF's key size
            s.close("Ni shorter than half the PRF's key size", false);
            return;
        }
        KeyExchangePayload peerKe = ke.getFirst();
        try {
            // RFC 6989 §2: the peer's value is checked before anything else, so an invalid one costs no token call.
            s.services.crypto().checkPeerValue(suite.group(), peerKe.keyExchangeData());
        } catch (InvalidPeerValueException e) {
            s.drop("invalid-ke-value", dg);
            s.close("IKE_SA_INIT from " + IkeSaInfo.address(dg.sender()) + ": " + e.getMessage(), false);
            return;
        }
        s.ni = ni.getFirst().nonce();
        s.nr = s.services.random(Math.max(IkeSaInitInitiator.NONCE_LENGTH, suite.prf().outputLength()));
        s.realMessage1 = dg.octets();
        s.nat = NatDetection.check(m.notifications(), s.spiI, 0, dg.sender(), dg.recipient());
        s.fragmentation = s.services.settings().fragmentation()
                && m.notification(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        s.peerHashes = SignatureHashes.announcedBy(m.notifications());
        boolean announceHashes = m.notification(NotifyType.SIGNATURE_HASH_ALGORITHMS).isPresent();
        s.services.crypto().generateShare(suite.group(), s.auditContext()).thenCompose(pair -> {
            byte[] ours1 = pair.keyExchangeData();
            return IkeKeyDerivation.derive(s, pair, peerKe, suite).thenApply(keys -> new Derived(ours1, keys));
        }).whenCompleteAsync((d, e) -> {
            if (e != null) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                if (c instanceof InvalidPeerValueException) {
                    s.drop("invalid-ke-value", dg); // checked again by the token layer's agree; unanswered
                }
                s.close("IKE_SA_INIT from " + IkeSaInfo.address(dg.sender()) + ": " + IkeKeyDerivation.describe(e),
                        false);
                return;
            }
            if (s.state == IkeSaState.CLOSED) {
                d.keys().destroy();
                return;
            }
            s.useKeys(suite, d.keys());
            s.acceptedProposal = chosen.get().response();
            List<IkePayload> p = new ArrayList<>();
            p.add(new SecurityAssociationPayload(List.of(chosen.get().response())));
            p.add(new KeyExchangePayload(suite.group().id(), d.keData()));
            p.add(new NoncePayload(s.nr));
            p.addAll(NatDetection.notifications(s.spiI, s.spiR, dg.recipient(), dg.sender()));
            boolean certificates = s.candidates.stream().anyMatch(c -> c.config().remoteAuth() == AuthKind.PUBKEY);
            if (certificates && !s.services.anchors().certificates().isEmpty()) {
                p.add(s.services.anchors().certificateRequest());
            }
            if (s.fragmentation) {
                p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
            }
            if (announceHashes) {
                p.add(SignatureHashes.announcement());
            }
            byte[] octets = new IkeMessage(IkeHeader.of(s.spiI, s.spiR, ExchangeType.IKE_SA_INIT, false, true, 0), p)
                    .encode();
            s.realMessage2 = octets;
            s.state = IkeSaState.HALF_OPEN;
            s.startHalfOpenTimer();
            s.respondUnprotected(0, octets);
            LOG.debug("{}: IKE_SA_INIT answered, {}{}", s.name(), suite.describe(), s.nat.any() ? ", NAT detected"
                    : "");
        }, s.exec);
    }

    private record Derived(byte[] keData, IkeSaSecrets keys) {
    }

    /** An unprotected error answer with responder SPI 0 (§1.2, §2.6), and no state kept. */
    private static void refuse(IkeSession s, IkeDatagram dg, NotifyPayload error, String why) {
        IkeHeader h = IkeHeader.of(s.spiI, 0, ExchangeType.IKE_SA_INIT, false, true, 0);
        s.path.send(new IkeMessage(h, List.of(error)).encode());
        LOG.info("IKE_SA_INIT from {} refused with {}: {}", IkeSaInfo.address(dg.sender()), NotifyType.name(error.notifyType()), why);
        s.close(NotifyType.name(error.notifyType()), false);
    }
}
