package io.ikeseal.agent.exchange;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.proposal.ProposalSelection;
import io.ikeseal.agent.proposal.Selected;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.InvalidPeerValueException;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.Secret;

/**
 * IKE SA rekey as responder (RFC 7296 §1.3.2, §2.18): the peer's SA (protocol IKE, its new SPI), Ni, KEi are answered
 * with SA (our new SPI), Nr, KEr once the new SA's keys exist in the token, derived from the old SK_d. A proposal is
 * chosen among the connection's as in IKE_SA_INIT; NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD naming our group, or
 * INVALID_SYNTAX for a malformed request. A failing token gets TEMPORARY_FAILURE (§2.25), as the peer may retry.
 * The new SA is registered before the answer goes, so the peer's first message on it finds it.
 */
final class IkeSaRekeyResponder implements ResponderTask {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSaRekeyResponder.class);

    private final IkeSa sa;

    IkeSaRekeyResponder(IkeSa sa) {
        this.sa = sa;
    }

    @Override
    public void handle(IkeMessage request, IkeDatagram datagram) {
        List<SecurityAssociationPayload> proposals = request.all(SecurityAssociationPayload.class);
        List<KeyExchangePayload> kes = request.all(KeyExchangePayload.class);
        List<NoncePayload> nonces = request.all(NoncePayload.class);
        if (proposals.size() != 1 || kes.size() != 1 || nonces.size() != 1) {
            answer(request, NotifyType.INVALID_SYNTAX, "a rekey request without exactly one SA, KE and Ni");
            return;
        }
        IkeCrypto crypto = sa.shared().crypto();
        List<ConfiguredProposal> ours = ServedProposals.usable(
                crypto.dhGroups(), sa.connection().config().proposals());
        KeyExchangePayload ke = kes.getFirst();
        Optional<Selected<IkeSuite>> chosen =
                ProposalSelection.selectIke(proposals.getFirst().proposals(), ours, ke.dhGroup());
        if (chosen.isEmpty() || chosen.get().peerSpi().length != 8) {
            answer(request, NotifyType.NO_PROPOSAL_CHOSEN, "no acceptable IKE proposal with a new SPI");
            return;
        }
        IkeSuite suite = chosen.get().suite();
        if (ke.dhGroup() != suite.group().id()) {
            sa.tasks()
                    .respond(
                            request.header(),
                            List.of(NotifyPayload.invalidKe(suite.group().id())));
            return;
        }
        byte[] ni = nonces.getFirst().nonce();
        if (ni.length < suite.prf().outputLength() / 2) {
            answer(request, NotifyType.INVALID_SYNTAX, "Ni shorter than half the PRF's key size");
            return;
        }
        try {
            crypto.checkPeerValue(suite.group(), ke.keyExchangeData()); // RFC 6989 §2, before any token call
        } catch (InvalidPeerValueException e) {
            answer(request, NotifyType.INVALID_SYNTAX, "invalid KE value: " + e.getMessage());
            return;
        }
        long peerSpi = ByteBuffer.wrap(chosen.get().peerSpi()).getLong();
        IkeSa now = RekeyedIkeSa.responder(sa, peerSpi);
        byte[] nr = sa.shared()
                .random()
                .bytes(Math.max(IkeSaInitInitiator.NONCE_LENGTH, suite.prf().outputLength()));
        RekeyedIkeSa.Inherited from = RekeyedIkeSa.Inherited.from(sa);
        IkeSaKeyInputs in = new IkeSaKeyInputs(
                suite.prf(),
                ni,
                nr,
                IkeSaKeyInputs.spi(peerSpi),
                IkeSaKeyInputs.spi(now.spiR()),
                suite.protection().integrityKeyLength(),
                suite.protection().encryptionKeyLength());
        Secret skD = sa.keys().skD();
        Prf oldPrf = sa.init().suite().prf();
        AuditContext ctx = sa.auditContext();
        Continuations.on(
                sa.exec(),
                crypto.generateShare(suite.group(), ctx).thenCompose(share -> {
                    byte[] keData = share.keyExchangeData();
                    return crypto.rekeyedIkeSaKeys(skD, oldPrf, share, ke.keyExchangeData(), in, ctx)
                            .thenApply(k -> new Derived(keData, k));
                }),
                (d, e) -> {
                    if (e != null || sa.isClosed()) {
                        if (d != null) {
                            d.keys().destroy();
                        }
                        now.exec().execute(() -> now.close("rekey not completed", false));
                        if (!sa.isClosed()) {
                            answer(request, NotifyType.TEMPORARY_FAILURE, "token: " + IkeKeyDerivation.describe(e));
                        }
                        return;
                    }
                    RekeyedIkeSa.establish(
                            now, from, now.spiR(), ni, nr, suite, chosen.get().response(), d.keys());
                    sa.tasks()
                            .respond(
                                    request.header(),
                                    List.of(
                                            new SecurityAssociationPayload(List.of(
                                                    chosen.get().responseWithSpi(IkeSaKeyInputs.spi(now.spiR())))),
                                            new NoncePayload(nr),
                                            new KeyExchangePayload(suite.group().id(), d.keData())));
                    sa.rekeys().answered(sa, new IkeSaRekeys.Outcome(now, ni, nr, false));
                });
    }

    private record Derived(byte[] keData, IkeSaSecrets keys) {}

    private void answer(IkeMessage request, int error, String why) {
        LOG.info("IKE_SA {}: rekey refused with {}: {}", sa.name(), NotifyType.name(error), why);
        sa.tasks().respond(request.header(), List.of(NotifyPayload.of(error)));
    }
}
