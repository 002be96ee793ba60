package io.ikeseal.agent.exchange;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.ikeseal.agent.auth.SignatureHashes;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
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
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.KeyShare;

/**
 * IKE_SA_INIT as initiator (RFC 7296 §1.2): HDR, SA, KE, Ni, N(NAT_DETECTION_*), N(IKEV2_FRAGMENTATION_SUPPORTED),
 * N(SIGNATURE_HASH_ALGORITHMS). A COOKIE answer is retried with the cookie first (§2.6); INVALID_KE_PAYLOAD with a
 * fresh key share in the group the responder names, if we offered it (§1.2, §2.7). Each retry keeps message ID 0, and
 * only the final request and response become RealMessage1/2 for AUTH (§2.15). Once the keys exist it queues
 * IKE_AUTH.
 */
final class IkeSaInitInitiator implements InitiatorTask {
    static final int NONCE_LENGTH = 32;
    /** COOKIE and INVALID_KE_PAYLOAD retries together: a responder that keeps asking is not worth more. */
    private static final int MAX_RETRIES = 4;

    private final IkeSa sa;
    private final IkeCrypto crypto;
    private final boolean fragmentation;
    private final Function<IkeSa, InitiatorTask> authTask;
    private final byte[] ni;
    private List<Proposal> sent = List.of();
    private List<DhGroup> groups = List.of();
    private KeyShare share;
    private byte[] message1;
    private byte[] cookie;
    private int retries;

    /**
     * @param fragmentation whether we offer RFC 7383 fragmentation
     * @param authTask      the IKE_AUTH initiator to queue once the keys exist
     */
    IkeSaInitInitiator(
            IkeSa sa,
            IkeCrypto crypto,
            IkeRandom random,
            boolean fragmentation,
            Function<IkeSa, InitiatorTask> authTask) {
        this.sa = sa;
        this.crypto = crypto;
        this.fragmentation = fragmentation;
        this.authTask = authTask;
        this.ni = random.bytes(NONCE_LENGTH);
    }

    /** The connection's proposals, those the token serves; fails the SA when none is left. */
    @Override
    public void start() {
        List<ConfiguredProposal> usable = ServedProposals.usable(
                crypto.dhGroups(), sa.connection().config().proposals());
        if (usable.isEmpty()) {
            sa.fail("token '" + crypto.tokenName() + "' serves none of the DH groups of "
                    + sa.connection().config().proposals());
            return;
        }
        List<Proposal> wire = new ArrayList<>();
        List<DhGroup> offered = new ArrayList<>();
        for (ConfiguredProposal p : usable) {
            wire.add(p.toWire(wire.size() + 1, new byte[0], true));
            p.groups().stream().filter(g -> !offered.contains(g)).forEach(offered::add);
        }
        sent = wire;
        groups = offered;
        withGroup(groups.getFirst());
    }

    private void withGroup(DhGroup group) {
        Continuations.on(sa.exec(), crypto.generateShare(group, sa.auditContext()), (s, e) -> {
            if (e != null) {
                sa.fail("DH key pair for " + group.proposalName() + " failed: " + IkeKeyDerivation.describe(e));
            } else if (sa.isClosed()) {
                s.destroy();
            } else {
                share = s;
                send();
            }
        });
    }

    private void send() {
        List<IkePayload> p = new ArrayList<>();
        if (cookie != null) {
            p.add(NotifyPayload.of(NotifyType.COOKIE, cookie)); // §2.6: the COOKIE comes first
        }
        p.add(new SecurityAssociationPayload(sent));
        p.add(new KeyExchangePayload(share.group().id(), share.keyExchangeData()));
        p.add(new NoncePayload(ni));
        p.addAll(NatDetection.notifications(
                sa.spiI(),
                0,
                sa.path().local(),
                sa.path().remote(),
                sa.settings().limits().forceUdpEncapsulation()));
        if (fragmentation) {
            p.add(NotifyPayload.of(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED));
        }
        p.add(SignatureHashes.announcement());
        message1 = new IkeMessage(IkeHeader.of(sa.spiI(), 0, ExchangeType.IKE_SA_INIT, true, false, 0), p).encode();
        sa.tasks().sendInit(this, message1);
    }

    @Override
    public void onResponse(IkeMessage m, IkeDatagram dg) {
        Optional<NotifyPayload> c = m.notification(NotifyType.COOKIE);
        if (c.isPresent() && m.first(SecurityAssociationPayload.class).isEmpty()) {
            if (++retries > MAX_RETRIES) {
                sa.fail("responder keeps asking for a COOKIE");
                return;
            }
            cookie = c.get().data();
            send();
            return;
        }
        Optional<NotifyPayload> ke = m.notification(NotifyType.INVALID_KE_PAYLOAD);
        if (ke.isPresent()) {
            Optional<DhGroup> wanted = DhGroup.byId(ke.get().invalidKeGroup());
            if (wanted.isEmpty()
                    || !groups.contains(wanted.get())
                    || wanted.get() == share.group()
                    || ++retries > MAX_RETRIES) {
                sa.fail("INVALID_KE_PAYLOAD: responder wants group " + ke.get().invalidKeGroup() + ", we offered "
                        + groups.stream().map(DhGroup::proposalName).toList());
                return;
            }
            share.destroy();
            share = null;
            sa.tasks().keepOpen(this); // the retry is this task's again, once the new share exists
            withGroup(wanted.get());
            return;
        }
        Optional<NotifyPayload> error = m.error();
        if (error.isPresent()) {
            sa.fail(NotifyType.name(error.get().notifyType()) + " from the responder");
            return;
        }
        accept(m, dg);
    }

    private void accept(IkeMessage m, IkeDatagram dg) {
        Optional<SecurityAssociationPayload> saPayload = m.first(SecurityAssociationPayload.class);
        Optional<KeyExchangePayload> ke = m.first(KeyExchangePayload.class);
        Optional<NoncePayload> nr = m.first(NoncePayload.class);
        if (saPayload.isEmpty() || ke.isEmpty() || nr.isEmpty() || m.header().responderSpi() == 0) {
            sa.fail("IKE_SA_INIT response without "
                    + (saPayload.isEmpty() ? "SA" : ke.isEmpty() ? "KE" : nr.isEmpty() ? "Nr" : "a responder SPI"));
            return;
        }
        Optional<IkeSuite> suite = ProposalSelection.acceptIke(saPayload.get().proposals(), sent);
        if (suite.isEmpty()) {
            sa.fail("the responder chose a proposal we did not offer");
            return;
        }
        if (ke.get().dhGroup() != suite.get().group().id() || suite.get().group() != share.group()) {
            sa.fail("the responder's KE is group " + ke.get().dhGroup() + ", not the negotiated "
                    + suite.get().group().proposalName());
            return;
        }
        if (nr.get().nonce().length < suite.get().prf().outputLength() / 2) {
            sa.fail("Nr shorter than half the PRF's key size (RFC 7296 §2.10)");
            return;
        }
        sa.responderSpi(m.header().responderSpi());
        IkeSaInitResult result = new IkeSaInitResult(
                ni,
                nr.get().nonce(),
                message1,
                dg.octets(),
                suite.get(),
                null,
                NatDetection.check(m.notifications(), sa.spiI(), sa.spiR(), dg.sender(), dg.recipient())
                        .forcing(sa.settings().limits().forceUdpEncapsulation()),
                fragmentation
                        && m.notification(NotifyType.IKEV2_FRAGMENTATION_SUPPORTED)
                                .isPresent(),
                SignatureHashes.announcedBy(m.notifications()),
                m.all(CertificateRequestPayload.class));
        KeyShare mine = share;
        share = null;
        Continuations.on(sa.exec(), IkeKeyDerivation.derive(crypto, sa, result, mine, ke.get()), (keys, e) -> {
            if (e != null) {
                sa.fail("key exchange with the responder failed: " + IkeKeyDerivation.describe(e));
                return;
            }
            if (sa.isClosed()) {
                keys.destroy();
                return;
            }
            sa.keyed(result, keys);
            if (result.nat().any()) {
                floatToNatT();
            }
            sa.tasks().queue(authTask.apply(sa));
        });
    }

    /**
     * RFC 7296 §2.23: with a NAT in the way, continue from our NAT-T port, to the peer's NAT-T port when we talked to
     * its port 500; a peer on another configured port keeps it (as strongSwan does).
     */
    private void floatToNatT() {
        InetSocketAddress remote = sa.path().remote();
        InetSocketAddress target = remote.getPort() == 500 ? new InetSocketAddress(remote.getAddress(), 4500) : remote;
        sa.path().toNatT(target).ifPresent(sa::floatTo);
    }

    @Override
    public void abandon() {
        if (share != null) {
            share.destroy();
            share = null;
        }
    }
}
