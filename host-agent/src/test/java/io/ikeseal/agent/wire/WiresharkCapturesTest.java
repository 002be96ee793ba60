package io.ikeseal.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every IKE message of Wireshark's IKEv2 decryption captures decodes and re-encodes to the same octets; the
 * unencrypted IKE_SA_INIT messages of the AES-256-GCM-16 capture are checked field by field against the values
 * Wireshark's dissector shows for them.
 */
class WiresharkCapturesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String GCM16 = "ikev2-decrypt-aes256gcm16";

    static Stream<Arguments> frames() {
        return WiresharkCaptures.all().entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(f -> Arguments.of(e.getKey(), f.number(), f.message())));
    }

    @ParameterizedTest(name = "{0} frame {1}")
    @MethodSource("frames")
    void everyFrameRoundTripsByteExact(String capture, int frame, byte[] message) throws Exception {
        IkeMessage m = IkeMessageCodec.decode(message);
        assertArrayEquals(message, m.encode(), capture + " frame " + frame);
        assertEquals(message.length, m.header().length());
        // After IKE_SA_INIT, every message of these captures is protected by one SK payload.
        assertEquals(m.header().exchangeType() != ExchangeType.IKE_SA_INIT.code(), m.isSealed());
    }

    @Test
    void ikeSaInitRequestFieldByField() throws Exception {
        IkeMessage m = IkeMessageCodec.decode(WiresharkCaptures.frame(GCM16, 1));
        IkeHeader h = m.header();
        assertEquals(0x0158b8fb90b7623dL, h.initiatorSpi());
        assertEquals(0L, h.responderSpi());
        assertEquals(PayloadType.SA.code(), h.nextPayload());
        assertEquals(2, h.majorVersion());
        assertEquals(0, h.minorVersion());
        assertEquals(ExchangeType.IKE_SA_INIT, h.exchange());
        assertEquals(IkeHeader.FLAG_INITIATOR, h.flags());
        assertTrue(h.isRequest());
        assertTrue(h.fromInitiator());
        assertEquals(0, h.messageId());
        assertEquals(248, h.length());
        assertEquals(
                List.of(33, 34, 40, 41, 41, 41),
                m.payloads().stream().map(IkePayload::typeCode).toList());

        SecurityAssociationPayload sa =
                (SecurityAssociationPayload) m.payloads().get(0);
        assertEquals(1, sa.proposals().size());
        Proposal p = sa.proposals().getFirst();
        assertEquals(1, p.number());
        assertEquals(ProtocolId.IKE, p.protocolId());
        assertEquals(0, p.spi().length);
        assertEquals(
                List.of(Transform.ENCR, Transform.PRF, Transform.DH),
                p.transforms().stream().map(Transform::type).toList());
        assertEquals(
                List.of(20, 5, 19), p.transforms().stream().map(Transform::id).toList());
        assertEquals(256, p.transforms().get(0).keyLength().orElseThrow());
        assertTrue(p.transforms().get(0).attributes().getFirst().isTv());
        assertFalse(p.transforms().get(1).keyLength().isPresent());

        KeyExchangePayload ke = (KeyExchangePayload) m.payloads().get(1);
        assertEquals(19, ke.dhGroup());
        assertEquals(64, ke.keyExchangeData().length);
        assertTrue(HEX.formatHex(ke.keyExchangeData()).startsWith("4248498e074b233630bb01542d37308a52e14cdf"));

        NoncePayload ni = (NoncePayload) m.payloads().get(2);
        assertEquals("cdda22134a2a1b97778d03afce21db2c302cec7b1ac62767ec74b505b636566a", HEX.formatHex(ni.nonce()));

        NotifyPayload natSrc = (NotifyPayload) m.payloads().get(3);
        assertEquals(NotifyType.NAT_DETECTION_SOURCE_IP, natSrc.notifyType());
        assertEquals(ProtocolId.NONE, natSrc.protocolId());
        assertEquals(0, natSrc.spi().length);
        assertEquals("66bad0f6278cc3104d0daac697000d49964bd180", HEX.formatHex(natSrc.data()));
        NotifyPayload natDst = (NotifyPayload) m.payloads().get(4);
        assertEquals(NotifyType.NAT_DETECTION_DESTINATION_IP, natDst.notifyType());
        assertEquals("beb343655a8d3eef79ec25ff5f1a1799935d1a56", HEX.formatHex(natDst.data()));
        NotifyPayload sigHash =
                m.notification(NotifyType.SIGNATURE_HASH_ALGORITHMS).orElseThrow();
        assertEquals(List.of(1, 2, 3, 4), sigHash.signatureHashAlgorithmIds());
        assertFalse(sigHash.isError());
    }

    @Test
    void ikeSaInitResponseFieldByField() throws Exception {
        IkeMessage m = IkeMessageCodec.decode(WiresharkCaptures.frame(GCM16, 2));
        assertEquals(0x13514610cea16160L, m.header().responderSpi());
        assertEquals(IkeHeader.FLAG_RESPONSE, m.header().flags());
        assertTrue(m.header().isResponse());
        assertFalse(m.header().fromInitiator());
        assertEquals(240, m.header().length());
        Proposal p = m.first(SecurityAssociationPayload.class)
                .orElseThrow()
                .proposals()
                .getFirst();
        assertEquals(
                List.of(20, 5, 19), p.transforms().stream().map(Transform::id).toList());
        assertEquals(
                "70a74777b174d5253154fad7d744b09f2b511c40accfee9ef5efc781cf89b226",
                HEX.formatHex(m.first(NoncePayload.class).orElseThrow().nonce()));
        assertEquals(
                "dc558243837555d5f49fb9e075c18469cb9c0fd8",
                HEX.formatHex(m.notification(NotifyType.NAT_DETECTION_SOURCE_IP)
                        .orElseThrow()
                        .data()));
        assertEquals(
                "dbfc1de542e8b4c38e29faf422ca07beecda3e41",
                HEX.formatHex(m.notification(NotifyType.NAT_DETECTION_DESTINATION_IP)
                        .orElseThrow()
                        .data()));
        assertEquals(
                0,
                m.notification(NotifyType.MULTIPLE_AUTH_SUPPORTED).orElseThrow().data().length);
    }

    @Test
    void ikeAuthRequestIsOneSkPayload() throws Exception {
        IkeMessage m = IkeMessageCodec.decode(WiresharkCaptures.frame(GCM16, 3));
        assertEquals(ExchangeType.IKE_AUTH, m.header().exchange());
        assertEquals(1, m.header().messageId());
        assertEquals(245, m.header().length());
        EncryptedPayload sk =
                assertInstanceOf(EncryptedPayload.class, m.payloads().getFirst());
        assertEquals(PayloadType.IDI.code(), sk.firstInnerPayload());
        assertEquals(217 - 4, sk.content().length);
        assertEquals("b93999e854851745", HEX.formatHex(sk.content(), 0, 8)); // the 8-octet GCM IV
    }
}
