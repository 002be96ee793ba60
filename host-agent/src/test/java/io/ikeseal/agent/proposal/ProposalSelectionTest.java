package io.ikeseal.agent.proposal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.Transform;
import io.ikeseal.agent.wire.TransformAttribute;
import io.ikeseal.agent.wire.WiresharkCaptures;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;

class ProposalSelectionTest {
    private static final byte[] ESP_SPI = {1, 2, 3, 4};

    private static List<Proposal> offer(String... ike) {
        List<Proposal> out = new java.util.ArrayList<>();
        for (int i = 0; i < ike.length; i++) {
            out.add(ConfiguredProposal.ike(ike[i]).toWire(i + 1, new byte[0], true));
        }
        return out;
    }

    private static List<ConfiguredProposal> ours(String... ike) {
        return java.util.Arrays.stream(ike).map(ConfiguredProposal::ike).toList();
    }

    @Test
    void theWiresharkCaptureOfferIsAccepted() throws Exception {
        List<Proposal> offered = IkeMessageCodec.decode(WiresharkCaptures.frame("ikev2-decrypt-aes256gcm16", 1))
                .first(SecurityAssociationPayload.class)
                .orElseThrow()
                .proposals();
        Selected<IkeSuite> s = ProposalSelection.selectIke(offered, ours("aes256gcm16-prfsha256-ecp256"), 19)
                .orElseThrow();
        assertEquals("aes256gcm16-prfsha256-ecp256", s.suite().describe());
        // The capture's responder answered with exactly the proposal it was offered.
        assertEquals(offered.getFirst().transforms(), s.response().transforms());
        assertEquals(1, s.response().number());
    }

    @Test
    void ourPreferenceWinsOverTheInitiatorsOrder() {
        Selected<IkeSuite> s = ProposalSelection.selectIke(
                        offer("aes128-sha256-modp2048", "aes256gcm16-prfsha256-ecp256"),
                        ours("aes256gcm16-prfsha256-ecp256", "aes128-sha256-modp2048"),
                        14)
                .orElseThrow();
        assertEquals(2, s.response().number());
        assertEquals("aes256gcm16-prfsha256-ecp256", s.suite().describe());
    }

    @Test
    void theKeGroupIsTakenWhenAcceptable() {
        List<Proposal> o = offer("aes256-sha256-ecp256-modp2048");
        List<ConfiguredProposal> ours = ours("aes256-sha256-modp2048-ecp256");
        assertEquals(
                DhGroup.ECP_256,
                ProposalSelection.selectIke(o, ours, 19).orElseThrow().suite().group());
        // A KE of a group we did not pick: our first acceptable group, and the exchange answers INVALID_KE_PAYLOAD.
        assertEquals(
                DhGroup.MODP_2048,
                ProposalSelection.selectIke(o, ours, 21).orElseThrow().suite().group());
    }

    @Test
    void noCommonTransformMeansNoProposalChosen() {
        assertTrue(
                ProposalSelection.selectIke(offer("aes128-sha256-modp2048"), ours("aes256gcm16-prfsha256-ecp256"), 14)
                        .isEmpty());
        assertTrue(ProposalSelection.selectIke(offer("aes256-sha256-modp2048"), ours("aes256-sha384-modp2048"), 14)
                .isEmpty());
    }

    @Test
    void anUnknownTransformTypeMakesTheProposalUnacceptable() {
        Proposal p = ConfiguredProposal.ike("aes256gcm16-prfsha256-ecp256").toWire(1, new byte[0], true);
        List<Transform> t = new java.util.ArrayList<>(p.transforms());
        t.add(new Transform(6, 1)); // RFC 9370's ADDKE1, unknown to us
        assertTrue(ProposalSelection.selectIke(
                        List.of(new Proposal(1, ProtocolId.IKE, new byte[0], t)),
                        ours("aes256gcm16-prfsha256-ecp256"),
                        19)
                .isEmpty());
    }

    @Test
    void aTransformWithAnUnknownAttributeIsSkipped() {
        Transform odd = new Transform(
                Transform.ENCR, 20, List.of(TransformAttribute.keyLength(256), new TransformAttribute(99, 1, null)));
        Proposal p = new Proposal(
                1,
                ProtocolId.IKE,
                new byte[0],
                List.of(
                        odd,
                        Transform.withKeyLength(Transform.ENCR, 20, 128),
                        new Transform(Transform.PRF, 5),
                        new Transform(Transform.DH, 19)));
        Selected<IkeSuite> s = ProposalSelection.selectIke(
                        List.of(p), ours("aes256gcm16-aes128gcm16-prfsha256-ecp256"), 19)
                .orElseThrow();
        assertEquals(128, s.suite().protection().keyLengthBits());
    }

    @Test
    void keyLengthMustMatch() {
        assertTrue(ProposalSelection.selectIke(
                        offer("aes128gcm16-prfsha256-ecp256"), ours("aes256gcm16-prfsha256-ecp256"), 19)
                .isEmpty());
    }

    @Test
    void esnInAnIkeProposalIsUnacceptable() {
        Proposal p = ConfiguredProposal.ike("aes256gcm16-prfsha256-ecp256").toWire(1, new byte[0], true);
        List<Transform> t = new java.util.ArrayList<>(p.transforms());
        t.add(new Transform(Transform.ESN, 0));
        assertTrue(ProposalSelection.selectIke(
                        List.of(new Proposal(1, ProtocolId.IKE, new byte[0], t)),
                        ours("aes256gcm16-prfsha256-ecp256"),
                        19)
                .isEmpty());
    }

    @Test
    void childSelectionIgnoresGroupsInIkeAuth() {
        Proposal p = ConfiguredProposal.esp("aes128-sha256-ecp256-esn-noesn").toWire(1, ESP_SPI, true);
        Selected<ChildSuite> s = ProposalSelection.selectChild(
                        List.of(p), List.of(ConfiguredProposal.esp("aes128-sha256")), true)
                .orElseThrow();
        assertNull(s.suite().pfsGroup());
        assertEquals(false, s.suite().esn());
        assertArrayEquals(ESP_SPI, s.peerSpi());
        assertTrue(s.response().transforms().stream().noneMatch(t -> t.type() == Transform.DH));
        assertEquals(2 * (16 + 32), s.suite().keymatLength());
        Proposal mine = s.responseWithSpi(new byte[] {9, 9, 9, 9});
        assertArrayEquals(new byte[] {9, 9, 9, 9}, mine.spi());
    }

    @Test
    void childPfsMustMatchOutsideIkeAuth() {
        Proposal withPfs = ConfiguredProposal.esp("aes256gcm16-ecp256").toWire(1, ESP_SPI, true);
        assertTrue(
                ProposalSelection.selectChild(List.of(withPfs), List.of(ConfiguredProposal.esp("aes256gcm16")), false)
                        .isEmpty());
        assertEquals(
                DhGroup.ECP_256,
                ProposalSelection.selectChild(
                                List.of(withPfs), List.of(ConfiguredProposal.esp("aes256gcm16-ecp256")), false)
                        .orElseThrow()
                        .suite()
                        .pfsGroup());
        assertEquals(
                2 * 36,
                ProposalSelection.selectChild(
                                List.of(withPfs), List.of(ConfiguredProposal.esp("aes256gcm16-ecp256")), false)
                        .orElseThrow()
                        .suite()
                        .keymatLength());
    }

    @Test
    void childNeedsAFourOctetSpi() {
        Proposal p = ConfiguredProposal.esp("aes256gcm16").toWire(1, new byte[4], true);
        Proposal noSpi = new Proposal(1, ProtocolId.ESP, new byte[] {1, 2, 3, 4}, p.transforms());
        assertTrue(ProposalSelection.selectChild(List.of(noSpi), List.of(ConfiguredProposal.esp("aes256gcm16")), true)
                .isPresent());
    }

    @Test
    void initiatorAcceptsTheResponderChoice() {
        List<Proposal> sent = offer("aes128-sha256-modp2048", "aes256gcm16-aes128gcm16-prfsha256-ecp256-ecp384");
        Selected<IkeSuite> s = ProposalSelection.selectIke(sent, ours("aes128gcm16-prfsha256-ecp384"), 20)
                .orElseThrow();
        IkeSuite accepted =
                ProposalSelection.acceptIke(List.of(s.response()), sent).orElseThrow();
        assertEquals(s.suite(), accepted);
        assertEquals(Prf.HMAC_SHA2_256, accepted.prf());
    }

    @Test
    void initiatorRefusesAnswersItDidNotOffer() {
        List<Proposal> sent = offer("aes256gcm16-prfsha256-ecp256");
        Proposal other = ConfiguredProposal.ike("aes128gcm16-prfsha256-ecp256").toWire(1, new byte[0], true);
        assertTrue(ProposalSelection.acceptIke(List.of(other), sent).isEmpty(), "transform not offered");
        Proposal wrongNumber =
                ConfiguredProposal.ike("aes256gcm16-prfsha256-ecp256").toWire(2, new byte[0], true);
        assertTrue(ProposalSelection.acceptIke(List.of(wrongNumber), sent).isEmpty(), "number not sent");
        List<Proposal> both = offer("aes256gcm16-prfsha256-ecp256-ecp384");
        assertTrue(ProposalSelection.acceptIke(both, both).isEmpty(), "two DH transforms in an answer");
        Proposal noDh = new Proposal(
                1, ProtocolId.IKE, new byte[0], sent.getFirst().transforms().subList(0, 2));
        assertTrue(ProposalSelection.acceptIke(List.of(noDh), sent).isEmpty(), "DH missing");
    }

    @Test
    void initiatorAcceptsAChildAnswer() {
        List<Proposal> sent = List.of(
                ConfiguredProposal.esp("aes256gcm16").toWire(1, ESP_SPI, false),
                ConfiguredProposal.esp("aes128-sha256").toWire(2, ESP_SPI, false));
        Selected<ChildSuite> s = ProposalSelection.selectChild(
                        sent, List.of(ConfiguredProposal.esp("aes128-sha256")), true)
                .orElseThrow();
        ChildSuite c = ProposalSelection.acceptChild(List.of(s.responseWithSpi(new byte[] {5, 6, 7, 8})), sent)
                .orElseThrow();
        assertEquals("aes128-sha256", c.describe());
        assertTrue(
                ProposalSelection.acceptChild(
                                List.of(new Proposal(
                                        2,
                                        ProtocolId.ESP,
                                        new byte[0],
                                        s.response().transforms())),
                                sent)
                        .isEmpty(),
                "no SPI");
    }
}
