package io.ikeseal.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The malformed-input catalogue: one test per case, each asserting the reason and the notification RFC 7296
 * prescribes (or none, for a silent drop). Hex bodies are written out so each case shows the octets at fault.
 */
class MalformedMessageTest {
    private static final int SA = PayloadType.SA.code();
    private static final int KE = PayloadType.KE.code();
    private static final int NONCE = PayloadType.NONCE.code();
    private static final int N = PayloadType.NOTIFY.code();
    private static final int TSI = PayloadType.TSI.code();
    private static final int SK = PayloadType.SK.code();
    private static final int SKF = PayloadType.SKF.code();
    private static final String NONCE_32 = "00".repeat(32);
    /** An IKE proposal: AES-GCM-16-256, PRF-HMAC-SHA2-256, ECP-256. */
    private static final String IKE_PROPOSAL = "00000024" + "01010003" + "0300000c0100001480 0e0100".replace(" ", "")
            + "0300000802000005" + "0000000804000013";

    private static MalformedMessageException refuse(byte[] datagram) {
        return assertThrows(MalformedMessageException.class, () -> IkeMessageCodec.decode(datagram));
    }

    private static void assertRefused(MalformedReason reason, int notify, byte[] datagram) {
        MalformedMessageException e = refuse(datagram);
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(notify, e.notifyType(), e.getMessage());
    }

    private static RawMessage init() {
        return RawMessage.ikeSaInitRequest();
    }

    @Nested
    class Header {
        @Test
        void emptyDatagram() {
            assertRefused(MalformedReason.TRUNCATED, NotifyType.INVALID_SYNTAX, new byte[0]);
        }

        @Test
        void truncatedHeader() {
            byte[] full = init().bytes();
            for (int n = 1; n < IkeHeader.LENGTH; n++) {
                byte[] cut = java.util.Arrays.copyOf(full, n);
                MalformedMessageException e = refuse(cut);
                assertEquals(MalformedReason.TRUNCATED, e.reason());
                assertEquals(null, e.header(), "no header can be read from " + n + " octets");
            }
        }

        @Test
        void lengthShorterThanDatagram() {
            assertRefused(
                    MalformedReason.LENGTH_MISMATCH,
                    0,
                    init().first(NONCE).payload(0, NONCE_32).headerLength(28).bytes());
        }

        @Test
        void lengthLongerThanDatagram() {
            assertRefused(
                    MalformedReason.LENGTH_MISMATCH,
                    0,
                    init().first(NONCE).payload(0, NONCE_32).headerLength(1000).bytes());
        }

        @Test
        void majorVersion3IsAnsweredWithInvalidMajorVersion() {
            MalformedMessageException e = refuse(
                    init().version(3, 0).first(NONCE).payload(0, NONCE_32).bytes());
            assertEquals(MalformedReason.UNSUPPORTED_VERSION, e.reason());
            assertEquals(NotifyType.INVALID_MAJOR_VERSION, e.notifyType());
            assertNotNull(e.header(), "the answer copies SPIs and Message ID from the header");
            assertEquals(0x1122334455667788L, e.header().initiatorSpi());
            assertEquals(3, e.header().majorVersion());
        }

        @Test
        void majorVersion1IsDroppedSilently() {
            assertRefused(
                    MalformedReason.UNSUPPORTED_VERSION, 0, init().version(1, 0).bytes());
        }

        @Test
        void higherMinorVersionIsAccepted() throws Exception {
            IkeMessage m = IkeMessageCodec.decode(
                    init().version(2, 1).first(NONCE).payload(0, NONCE_32).bytes());
            assertEquals(1, m.header().minorVersion());
        }

        @Test
        void oversizedDatagram() {
            byte[] big = new byte[DecodeLimits.DEFAULT.maxMessageLength() + 1];
            assertRefused(MalformedReason.TOO_LARGE, 0, big);
        }
    }

    @Nested
    class Chain {
        @Test
        void payloadLengthZeroCannotLoop() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    init().first(NONCE).payload(NONCE, 0, 0, new byte[0]).bytes());
        }

        @Test
        void payloadLengthBelowHeader() {
            for (int len = 0; len < 4; len++) {
                assertRefused(
                        MalformedReason.BAD_LENGTH,
                        NotifyType.INVALID_SYNTAX,
                        init().first(NONCE).payload(0, 0, len, new byte[32]).bytes());
            }
        }

        @Test
        void payloadLengthOverrunsMessage() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    init().first(NONCE).payload(0, 0, 4 + 33, new byte[32]).bytes());
        }

        @Test
        void payloadLengthTooShortLeavesTrailingOctets() {
            // Nonce claims 20 octets, 16 remain after it and name no payload.
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    init().first(NONCE).payload(0, 0, 20, new byte[32]).bytes());
        }

        @Test
        void chainNamesAPayloadThatIsNotThere() {
            assertRefused(
                    MalformedReason.TRUNCATED,
                    NotifyType.INVALID_SYNTAX,
                    init().first(NONCE).payload(N, NONCE_32).bytes());
        }

        @Test
        void headerNamesAPayloadButMessageIsEmpty() {
            assertRefused(
                    MalformedReason.TRUNCATED,
                    NotifyType.INVALID_SYNTAX,
                    init().first(SA).bytes());
        }

        @Test
        void octetsAfterTheLastPayload() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    init().first(NONCE).payload(0, NONCE_32).raw("00000000").bytes());
        }

        @Test
        void tooManyPayloads() {
            RawMessage m = init().first(PayloadType.VENDOR_ID.code());
            for (int i = 0; i < DecodeLimits.DEFAULT.maxPayloads() + 1; i++) {
                m.payload(i == DecodeLimits.DEFAULT.maxPayloads() ? 0 : PayloadType.VENDOR_ID.code(), "aa");
            }
            assertRefused(MalformedReason.TOO_MANY, NotifyType.INVALID_SYNTAX, m.bytes());
        }

        @Test
        void unknownCriticalPayloadIsNamedInTheNotification() {
            MalformedMessageException e =
                    refuse(init().first(99).payload(0, 0x80, 8, new byte[4]).bytes());
            assertEquals(MalformedReason.UNSUPPORTED_CRITICAL_PAYLOAD, e.reason());
            assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, e.notifyType());
            assertArrayEquals(new byte[] {99}, e.notifyData());
            assertNotNull(e.header());
        }

        @Test
        void ikev1PayloadTypeWithCriticalBitIsUnsupported() {
            // Types 1..32 are IKEv1's (RFC 7296 §3.2): unknown to IKEv2.
            assertEquals(
                    MalformedReason.UNSUPPORTED_CRITICAL_PAYLOAD,
                    refuse(init().first(1).payload(0, 0x80, 4, new byte[0]).bytes())
                            .reason());
        }

        @Test
        void unknownNonCriticalPayloadIsSkippedAndKept() throws Exception {
            byte[] m = init().first(99)
                    .payload(NONCE, 0, 7, new byte[] {1, 2, 3})
                    .payload(0, NONCE_32)
                    .bytes();
            IkeMessage d = IkeMessageCodec.decode(m);
            UnknownPayload u =
                    assertInstanceOf(UnknownPayload.class, d.payloads().get(0));
            assertEquals(99, u.typeCode());
            assertArrayEquals(new byte[] {1, 2, 3}, u.body());
            assertInstanceOf(NoncePayload.class, d.payloads().get(1));
            assertArrayEquals(m, d.encode());
        }

        @Test
        void criticalBitOnAKnownPayloadIsIgnored() throws Exception {
            IkeMessage d = IkeMessageCodec.decode(
                    init().first(NONCE).payload(0, 0x80, 36, new byte[32]).bytes());
            assertInstanceOf(NoncePayload.class, d.payloads().getFirst());
        }

        @Test
        void reservedFlagBitsAreIgnored() throws Exception {
            IkeMessage d = IkeMessageCodec.decode(
                    init().first(NONCE).payload(0, 0x7f, 36, new byte[32]).bytes());
            assertInstanceOf(NoncePayload.class, d.payloads().getFirst());
        }

        @Test
        void skMustBeTheLastPayload() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    init().exchange(ExchangeType.IKE_AUTH, 1)
                            .first(SK)
                            .payload(PayloadType.IDI.code(), "0102030405")
                            .payload(0, NONCE_32)
                            .bytes());
        }

        @Test
        void emptySkPayload() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    init().exchange(ExchangeType.IKE_AUTH, 1)
                            .first(SK)
                            .payload(PayloadType.IDI.code(), "")
                            .bytes());
        }

        @Test
        void skInsideSk() {
            WireReader inner = new WireReader(HexFormat.of().parseHex("00000008aabbccdd"));
            MalformedMessageException e = assertThrows(
                    MalformedMessageException.class, () -> PayloadChain.decode(SK, inner, DecodeLimits.DEFAULT, true));
            assertEquals(MalformedReason.INVALID_SYNTAX, e.reason());
        }
    }

    @Nested
    class SecurityAssociation {
        private byte[] sa(String body) {
            return init().first(SA).payload(0, body.replace(" ", "")).bytes();
        }

        @Test
        void wellFormedProposalDecodes() throws Exception {
            IkeMessageCodec.decode(sa(IKE_PROPOSAL));
        }

        @Test
        void emptySa() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    init().first(SA).payload(0, 0, 4, new byte[0]).bytes());
        }

        @Test
        void proposalLengthTooShort() {
            assertRefused(MalformedReason.BAD_LENGTH, NotifyType.INVALID_SYNTAX, sa("00000007 01010000"));
        }

        @Test
        void proposalLengthTooLong() {
            assertRefused(
                    MalformedReason.BAD_LENGTH, NotifyType.INVALID_SYNTAX, sa("00000025" + IKE_PROPOSAL.substring(8)));
        }

        @Test
        void proposalLastSubstrucMustBe0Or2() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, sa("03" + IKE_PROPOSAL.substring(2)));
        }

        @Test
        void moreAnnouncedButNoneFollows() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, sa("02" + IKE_PROPOSAL.substring(2)));
        }

        @Test
        void transformLengthTooShort() {
            assertRefused(
                    MalformedReason.BAD_LENGTH, NotifyType.INVALID_SYNTAX, sa("00000010 01010001 00000007 02000005"));
        }

        @Test
        void transformLengthTooLong() {
            assertRefused(
                    MalformedReason.BAD_LENGTH, NotifyType.INVALID_SYNTAX, sa("00000010 01010001 00000009 02000005"));
        }

        @Test
        void transformCountDisagrees() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000010 01010002 00000008 02000005"));
        }

        @Test
        void transformLastSubstrucMustBe0Or3() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000010 01010001 02000008 02000005"));
        }

        @Test
        void attributeTlvLengthOverruns() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000014 01010001 0000000c 02000005 00010009"));
        }

        @Test
        void keyLengthMustBeTv() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000016 01010001 0000000e 01000014 000e0002 0100"));
        }

        @Test
        void duplicateAttribute() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000018 01010001 00000010 01000014 800e0100 800e0080"));
        }

        @Test
        void spiSizeMustFitTheProtocol() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000014 01030101 aa 0000000802000005".replace("00000014", "00000011")));
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000014 01010401 aabbccdd 0000000802000005"));
        }

        @Test
        void proposalNumbersMustCountFromOne() {
            String p1 = "02000010 01010001 0000000802000005";
            String p3 = "00000010 03010001 0000000802000005";
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, sa(p1 + p3));
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    sa("00000010 00010001 0000000802000005"));
        }

        @Test
        void aResponseCarriesTheAcceptedNumber() throws Exception {
            IkeMessage m = IkeMessageCodec.decode(sa("00000010 03010001 0000000802000005"));
            assertEquals(
                    3,
                    m.first(SecurityAssociationPayload.class)
                            .orElseThrow()
                            .proposals()
                            .getFirst()
                            .number());
        }

        @Test
        void thousandProposalsAreRefused() {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= 1000; i++) {
                b.append(i == 1000 ? "00" : "02")
                        .append("000010")
                        .append(String.format("%02x", i & 0xff))
                        .append("010001")
                        .append("0000000802000005");
            }
            byte[] m = sa(b.toString());
            MalformedMessageException e = refuse(m);
            assertTrue(
                    e.reason() == MalformedReason.TOO_MANY || e.reason() == MalformedReason.INVALID_SYNTAX,
                    e.getMessage());
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        }

        @Test
        void trailingOctetsAfterLastProposal() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, sa(IKE_PROPOSAL + "00"));
        }
    }

    @Nested
    class KeyExchange {
        @Test
        void zeroLengthKeyExchangeData() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    init().first(KE).payload(0, "00130000").bytes());
        }

        @Test
        void wrongLengthForAKnownGroup() {
            // CVE-2023-41913: ECP-256 needs 64 octets.
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    init().first(KE).payload(0, "00130000" + "11".repeat(63)).bytes());
        }

        @Test
        void unknownGroupDecodesForTheExchangeToAnswerInvalidKe() throws Exception {
            IkeMessage m = IkeMessageCodec.decode(
                    init().first(KE).payload(0, "04d20000" + "11".repeat(7)).bytes());
            KeyExchangePayload ke = m.first(KeyExchangePayload.class).orElseThrow();
            assertEquals(1234, ke.dhGroup());
            assertTrue(KeyExchangeDataLength.of(ke.dhGroup()).isEmpty());
        }

        @Test
        void truncatedKeHeader() {
            assertRefused(
                    MalformedReason.TRUNCATED,
                    NotifyType.INVALID_SYNTAX,
                    init().first(KE).payload(0, "0013").bytes());
        }
    }

    @Nested
    class TrafficSelectors {
        private byte[] ts(String body) {
            return init().exchange(ExchangeType.IKE_AUTH, 1)
                    .first(TSI)
                    .payload(0, body.replace(" ", ""))
                    .bytes();
        }

        private static final String ANY_V4 = "07000010 0000ffff 00000000 ffffffff";

        @Test
        void wellFormed() throws Exception {
            TrafficSelector s = IkeMessageCodec.decode(ts("01000000 " + ANY_V4))
                    .trafficSelectors(PayloadType.TSI)
                    .orElseThrow()
                    .selectors()
                    .getFirst();
            assertEquals("0.0.0.0", s.start().getHostAddress());
            assertEquals("255.255.255.255", s.end().getHostAddress());
        }

        @Test
        void startAddressAboveEnd() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    ts("01000000 07000010 0000ffff 0a000002 0a000001"));
        }

        @Test
        void startPortAboveEnd() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    ts("01000000 07000010 01bb0050 0a000001 0a000001"));
        }

        @Test
        void opaquePortsAreNotReversed() throws Exception {
            TrafficSelector s = IkeMessageCodec.decode(ts("01000000 07010010 ffff0000 0a000001 0a000001"))
                    .trafficSelectors(PayloadType.TSI)
                    .orElseThrow()
                    .selectors()
                    .getFirst();
            assertTrue(s.isOpaquePorts());
        }

        @Test
        void ipv6StartAboveEnd() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    ts("01000000 08000028 0000ffff " + "20010db8000000000000000000000002"
                            + "20010db8000000000000000000000001"));
        }

        @Test
        void selectorLengthWrongForType() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    ts("01000000 07000028 0000ffff 00000000 ffffffff"));
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    ts("01000000 08000010 0000ffff 00000000 ffffffff"));
        }

        @Test
        void selectorLengthOverruns() {
            assertRefused(MalformedReason.TRUNCATED, NotifyType.INVALID_SYNTAX, ts("01000000 07000010 0000ffff"));
        }

        @Test
        void countDisagreesWithSelectors() {
            assertRefused(MalformedReason.TRUNCATED, NotifyType.INVALID_SYNTAX, ts("02000000 " + ANY_V4));
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, ts("01000000 " + ANY_V4 + ANY_V4));
        }

        /** RFC 7296 §2.9: "If the type of Traffic Selector proposed is unknown, the responder ignores [it]". */
        @Test
        void unknownTsTypeIsSkippedAndCounted() throws Exception {
            // TS_SECLABEL (type 10, RFC 9478) with an 8-octet label, then an IPv4 range
            TrafficSelectorPayload p = IkeMessageCodec.decode(ts("02000000 0a00000c 01020304 05060708 " + ANY_V4))
                    .trafficSelectors(PayloadType.TSI)
                    .orElseThrow();
            assertEquals(1, p.selectors().size());
            assertEquals(1, p.unknownSelectors());
            assertEquals("0.0.0.0", p.selectors().getFirst().start().getHostAddress());
        }

        @Test
        void onlyUnknownTsTypesDecodeButDoNotEncode() throws Exception {
            TrafficSelectorPayload p = IkeMessageCodec.decode(ts("01000000 0a000008 01020304"))
                    .trafficSelectors(PayloadType.TSI)
                    .orElseThrow();
            assertTrue(p.selectors().isEmpty());
            assertEquals(1, p.unknownSelectors());
            assertThrows(IllegalStateException.class, p::bodyLength);
        }

        @Test
        void unknownTsTypeLengths() {
            assertRefused(MalformedReason.BAD_LENGTH, NotifyType.INVALID_SYNTAX, ts("01000000 0a000003"));
            assertRefused(MalformedReason.TRUNCATED, NotifyType.INVALID_SYNTAX, ts("01000000 0a000010 01020304"));
        }

        @Test
        void noSelectors() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, ts("00000000"));
        }

        /** Not a syntax error: §2.9 has the responder ignore it (and answer TS_UNACCEPTABLE if nothing is left). */
        @Test
        void unknownSelectorType() throws Exception {
            TrafficSelectorPayload p = IkeMessageCodec.decode(ts("01000000 09000010 0000ffff 00000000 ffffffff"))
                    .trafficSelectors(PayloadType.TSI)
                    .orElseThrow();
            assertEquals(0, p.selectors().size());
            assertEquals(1, p.unknownSelectors());
        }
    }

    @Nested
    class OtherPayloads {
        private byte[] one(PayloadType t, String body) {
            return init().exchange(ExchangeType.IKE_AUTH, 1)
                    .first(t.code())
                    .payload(0, body.replace(" ", ""))
                    .bytes();
        }

        @Test
        void nonceTooShortAndTooLong() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, one(PayloadType.NONCE, "00".repeat(15)));
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.NONCE, "00".repeat(257)));
        }

        @Test
        void ipv4IdentityOfWrongLength() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.IDI, "01000000 c0a80102 03"));
        }

        @Test
        void emptyFqdnIdentity() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, one(PayloadType.IDI, "02000000"));
        }

        @Test
        void notifySpiSizeOverruns() {
            assertRefused(
                    MalformedReason.BAD_LENGTH, NotifyType.INVALID_SYNTAX, one(PayloadType.NOTIFY, "0308400a aabb"));
        }

        @Test
        void notifyDataOfWrongLength() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.NOTIFY, "00004004 " + "11".repeat(19))); // NAT_DETECTION_SOURCE_IP is a SHA-1
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.NOTIFY, "00004006 " + "11".repeat(65))); // COOKIE 1..64
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.NOTIFY, "00000011 001300")); // INVALID_KE_PAYLOAD carries 2 octets
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.NOTIFY, "0000402f 000200")); // SIGNATURE_HASH_ALGORITHMS: 2-octet ids
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.NOTIFY, "0000402e 00")); // IKEV2_FRAGMENTATION_SUPPORTED has no data
        }

        @Test
        void redirectGatewayIdentityMustMatchItsLength() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.NOTIFY, "00004017 0105 c0a80101")); // IPv4 with length 5
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(
                            PayloadType.NOTIFY,
                            "00004018 0104 c0a80101 " + "22".repeat(16))); // REDIRECTED_FROM carries no nonce
        }

        @Test
        void deleteIkeWithSpis() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, one(PayloadType.DELETE, "01000001"));
        }

        @Test
        void deleteEspCountDisagrees() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.DELETE, "03040002 aabbccdd"));
        }

        @Test
        void deleteEspWrongSpiSize() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.DELETE, "03080001 aabbccddeeff0011"));
        }

        @Test
        void configurationTypeOutOfRange() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, one(PayloadType.CP, "05000000"));
        }

        @Test
        void configurationAttributeOverruns() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.CP, "01000000 00010004 0a00"));
        }

        @Test
        void eapLengthDisagrees() {
            assertRefused(MalformedReason.BAD_LENGTH, NotifyType.INVALID_SYNTAX, one(PayloadType.EAP, "02010008 0161"));
        }

        @Test
        void certreqHashesMustBeWhole() {
            assertRefused(
                    MalformedReason.INVALID_SYNTAX,
                    NotifyType.INVALID_SYNTAX,
                    one(PayloadType.CERTREQ, "04" + "aa".repeat(21)));
        }

        @Test
        void emptyAuthData() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, one(PayloadType.AUTH, "0e000000"));
        }
    }

    @Nested
    class Fragments {
        private byte[] skf(int next, String fragmentFields) {
            return init().exchange(ExchangeType.IKE_AUTH, 1)
                    .first(SKF)
                    .payload(next, fragmentFields + "aabbccdd")
                    .bytes();
        }

        @Test
        void fragmentNumberAboveTotal() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, skf(0, "00030002"));
        }

        @Test
        void fragmentNumberZero() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, skf(35, "00000002"));
        }

        @Test
        void totalZero() {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, skf(35, "00010000"));
        }

        @Test
        void onlyTheFirstFragmentNamesTheInnerPayload() throws Exception {
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, skf(35, "00020002"));
            assertRefused(MalformedReason.INVALID_SYNTAX, NotifyType.INVALID_SYNTAX, skf(0, "00010002"));
            EncryptedFragmentPayload f = IkeMessageCodec.decode(skf(0, "00020002"))
                    .first(EncryptedFragmentPayload.class)
                    .orElseThrow();
            assertEquals(2, f.fragmentNumber());
            assertEquals(2, f.totalFragments());
        }

        @Test
        void fragmentWithoutContent() {
            assertRefused(
                    MalformedReason.BAD_LENGTH,
                    NotifyType.INVALID_SYNTAX,
                    init().exchange(ExchangeType.IKE_AUTH, 1)
                            .first(SKF)
                            .payload(35, "00010001")
                            .bytes());
        }
    }
}
