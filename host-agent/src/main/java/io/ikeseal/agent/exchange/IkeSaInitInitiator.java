package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.ikeseal.agent.auth.SignatureHashes;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.sa.IkeSaState;
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
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.hsm.api.DhGroup;

/**
 * IKE_SA_INIT as initiator (RFC 7296 §1.2): HDR, SA, KE, Ni, N(NAT_DETECTION_*), N(IKEV2_FRAGMENTATION_SUPPORTED),
 * N(SIGNATURE_HASH_ALGORITHMS). A COOKIE answer is retried with the cookie first (§2.6); INVALID_KE_PAYLOAD with a
 * fresh key pair in the group the responder names, if we offered it (§1.2, §2.7). Each retry keeps message ID 0, and
 * only the final request and response become RealMessage1/2 for AUTH (§2.15).
 */
final class IkeSaInitInitiator implements IkeSession.ResponseHandler {
    static final int NONCE_LENGTH = 32;
    /** COOKIE and INVALID_KE_PAYLOAD retries together: a responder that keeps asking is not worth more. */
    private static final int MAX_RETRIES = 4;

    private final IkeSession s;
    private final List<Proposal> sent;
    private final List<DhGroup> groups;
    private byte[] cookie;
    private int retries;

    private IkeSaInitInitiator(IkeSession s, List<ConfiguredProposal> proposals) {
        this.s = s;
        List<Proposal> wire = new ArrayList<>();
        List<DhGroup> offered = new ArrayList<>();
        for (ConfiguredProposal p : proposals) {
            wire.add(p.toWire(wire.size() + 1, new byte[0], true));
            for (DhGroup g : p.groups()) {
                if (!offered.contains(g)) {
                    offered.add(g);
                }
            }
        }
        this.sent = wire;
        this.groups = offered;
    }

    /** Starts the exchange on the session's executor; the proposals are the connection's, served by the token. */
    static void start(IkeSession s) {
        List<ConfiguredProposal> usable = usable(s, s.connection.config().proposals());
        if (usable.isEmpty()) {
            s.fail("token '" + s.services.crypto().tokenName() + "' serves none of the DH groups of "
                    + s.connection.config().proposals());
            return;
        }
        IkeSaInitInitiator x = new IkeSaInitInitiator(s, usable);
        s.ni = s.services.random(NONCE_LENGTH);
        x.withGroup(x.groups.getFirst());
    }

    /** Proposals restricted to the DH groups the key-exchange token completed at start-up. */
    static List<ConfiguredProposal> usable(IkeSession s, List<ConfiguredProposal> proposals) {
        var served = s.services.crypto().dhGroups();
        List<ConfiguredProposal> out = new ArrayList<>();
        for (ConfiguredProposal p : proposals) {
            List<DhGroup> g = p.groups().stream().filter(served::contains).toList();
            if (!g.isEmpty()) {
                out.add(new ConfiguredProposal(p.protocolId(), p.encryption(), p.integrity(), p.prfs(), g, p.esn(),
                        p.text()));
            }
        }
        return out;
    }

    private void withGroup(DhGroup group) {
        s.services.crypto().generateShare(group, s.auditContext()).whenCompleteAsync((pair, e) -> {
            if (e != null) {
                s.fail("DH key pair for " + group.proposalName() + " failed: " + IkeKeyDerivation.describe(e));
            } else if (s.state == IkeSaState.CLOSED) {
                pair.destroy();
            } else {
                s.dhPair = pair;
                send();
            }
        }, s.exec);
    }

    private void send() {
        List<IkePayload> p = new ArrayList<>();
        if (cookie != null) {
            p.add(NotifyPayload.of(NotifyType.COOKIE, cookie)); // §2.6: the COOKIE comes first
        }
        p.add(new SecurityAssociationPayload(sent));
        p.add(new KeyExchangePayload(s.dhPair.group().id(), s.dhPair.keyExchangeData()));
        p.add(new NoncePayload(s.ni));
        p.addAll(NatDetection.notifications(s.spiI, 0, s.path.local(), s.path.remote()));
        if (s.services.settings().fragmentation()) {
            p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        p.add(SignatureHashes.announcement());
        byte[] octets = new IkeMessage(IkeHeader.of(s.spiI, 0, ExchangeType.IKE_SA_INIT, true, false, 0), p).encode();
        s.realMessage1 = octets;
        s.requestUnprotected(octets, this);
    }

    @Override
    public void onResponse(IkeMessage m, IkeDatagram dg) {
        Optional<NotifyPayload> c = m.notification(NotifyType.COOKIE);
        if (c.isPresent() && m.first(SecurityAssociationPayload.class).isEmpty()) {
            if (++retries > MAX_RETRIES) {
                s.fail("responder keeps asking for a COOKIE");
                return;
            }
            cookie = c.get().data();
            send();
            return;
        }
        Optional<NotifyPayload> ke = m.notification(NotifyType.INVALID_KE_PAYLOAD);
        if (ke.isPresent()) {
            Optional<DhGroup> wanted = DhGroup.byId(ke.get().invalidKeGroup());
            if (wanted.isEmpty() || !groups.contains(wanted.get()) || wanted.get() == s.dhPair.group()
                    || ++retries > MAX_RETRIES) {
                s.fail("INVALID_KE_PAYLOAD: responder wants group " + ke.get().invalidKeGroup() + ", we offered "
                        + groups.stream().map(DhGroup::proposalName).toList());
                return;
            }
            s.dhPair.destroy();
            s.dhPair = null;
            withGroup(wanted.get());
            return;
        }
        Optional<NotifyPayload> error = m.error();
        if (error.isPresent()) {
            s.fail(NotifyType.name(error.get().notifyType()) + " from the responder");
            return;
        }
        accept(m, dg);
    }

    private void accept(IkeMessage m, IkeDatagram dg) {
        Optional<SecurityAssociationPayload> sa = m.first(SecurityAssociationPayload.class);
        Optional<KeyExchangePayload> ke = m.first(KeyExchangePayload.class);
        Optional<NoncePayload> nr = m.first(NoncePayload.class);
        if (sa.isEmpty() || ke.isEmpty() || nr.isEmpty() || m.header().responderSpi() == 0) {
            s.fail("IKE_SA_INIT response without " + (sa.isEmpty() ? "SA" : ke.isEmpty() ? "KE" : nr.isEmpty() ? "Nr"
                    : "a responder SPI"));
            return;
        }
        Optional<IkeSuite> suite = ProposalSelection.acceptIke(sa.get().proposals(), sent);
        if (suite.isEmpty()) {
            s.fail("the responder chose a proposal we did not offer");
            return;
        }
        if (ke.get().dhGroup() != suite.get().group().id() || suite.get().group() != s.dhPair.group()) {
            s.fail("the responder's KE is group " + ke.get().dhGroup() + ", not the negotiated "
                    + suite.get().group().proposalName());
            return;
        }
        if (nr.get().nonce().length < suite.get().prf().outputLength() / 2) {
            s.fail("Nr shorter than half the PRF's key size (RFC 7296 §2.10)");
            return;
        }
        s.spiR = m.header().responderSpi();
        s.nr = nr.get().nonce();
        s.realMessage2 = dg.octets();
        s.nat = NatDetection.check(m.notifications(), s.spiI, s.spiR, dg.sender(), dg.recipient());
        s.fragmentation = s.services.settings().fragmentation()
                && m.notification(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED).isPresent();
        s.peerHashes = SignatureHashes.announcedBy(m.notifications());
        s.peerCertificateRequests = m.all(CertificateRequestPayload.class);
        var pair = s.dhPair;
        s.dhPair = null;
        IkeKeyDerivation.derive(s, pair, ke.get(), suite.get()).whenCompleteAsync((keys, e) -> {
            if (e != null) {
                s.fail("key exchange with the responder failed: " + IkeKeyDerivation.describe(e));
                return;
            }
            if (s.state == IkeSaState.CLOSED) {
                keys.destroy();
                return;
            }
            s.nextRequestId = 1;
            s.useKeys(suite.get(), keys);
            if (s.nat.any()) {
                floatToNatT();
            }
            s.state = IkeSaState.HALF_OPEN;
            IkeAuthInitiator.start(s);
        }, s.exec);
    }

    /**
     * RFC 7296 §2.23: with a NAT in the way, continue from our NAT-T port, to the peer's NAT-T port when we talked to
     * its port 500; a peer on another configured port keeps it (as strongSwan does: design notes).
     */
    private void floatToNatT() {
        var remote = s.path.remote();
        var target = remote.getPort() == 500 ? new java.net.InetSocketAddress(remote.getAddress(), 4500) : remote;
        s.services.natT().apply(s.path.local().getAddress(), target).ifPresent(sender -> s.path = sender);
    }
}
