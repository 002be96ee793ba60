package io.ikeseal.agent.protect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.EncryptedPayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.TrafficSelector;
import io.ikeseal.agent.wire.TrafficSelectorPayload;
import io.ikeseal.agent.wire.Transform;
import io.ikeseal.agent.wire.WiresharkCaptures;
import io.ikeseal.hsm.api.HostKey;

/**
 * Known answers from Wireshark's IKEv2 decryption captures (AES-256-GCM-16, AES-256-GCM-8, AES-256-CBC with
 * HMAC-SHA2-256-128) and the published SK_e/SK_a of its decryption table: every SK message opens, its inner
 * payloads are those Wireshark's dissector shows, and sealing them again with the captured IV (and, for CBC, the
 * captured padding) reproduces the captured octets exactly.
 */
class WiresharkDecryptionTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String GCM16 = "ikev2-decrypt-aes256gcm16";
    private static final String GCM8 = "ikev2-decrypt-aes256gcm8";
    private static final String CBC = "ikev2-decrypt-aes256cbc";

    private static ProtectionSuite suite(String capture) {
        return switch (capture) {
            case GCM16 -> ProtectionSuite.of(20, 256, 0);
            case GCM8 -> ProtectionSuite.of(18, 256, 0);
            case CBC -> ProtectionSuite.of(12, 256, 12);
            default -> throw new IllegalArgumentException(capture);
        };
    }

    static Stream<Arguments> skFrames() {
        return Stream.of(GCM16, GCM8, CBC)
                .flatMap(c -> WiresharkCaptures.all().get(c).stream()
                        .filter(f -> f.number() >= 3)
                        .map(f -> Arguments.of(c, f.number())));
    }

    /** The sender's keys for one frame: the I flag says which direction it travelled (RFC 7296 §2.14). */
    private static HostKey[] senderKeys(IkeMessage m) {
        WiresharkCaptures.Keys k =
                WiresharkCaptures.keys(String.format("%016x", m.header().initiatorSpi()));
        return m.header().fromInitiator()
                ? new HostKey[] {new HostKey("SK_ei", k.skEi()), new HostKey("SK_ai", k.skAi())}
                : new HostKey[] {new HostKey("SK_er", k.skEr()), new HostKey("SK_ar", k.skAr())};
    }

    private static SkProtection receiverOf(String capture, IkeMessage m) {
        HostKey[] k = senderKeys(m);
        SkCipher in = suite(capture).newCipher(k[0], k[1]);
        return SkProtection.of(suite(capture).newCipher(k[0], k[1]), in, DecodeLimits.DEFAULT);
    }

    private static IkeMessage open(String capture, int frame) throws Exception {
        byte[] raw = WiresharkCaptures.frame(capture, frame);
        IkeMessage sealed = IkeMessageCodec.decode(raw);
        return receiverOf(capture, sealed).unprotect(sealed, raw);
    }

    @ParameterizedTest(name = "{0} frame {1}")
    @MethodSource("skFrames")
    void everySkMessageOpensAndReseals(String capture, int frame) throws Exception {
        byte[] raw = WiresharkCaptures.frame(capture, frame);
        IkeMessage sealed = IkeMessageCodec.decode(raw);
        IkeMessage opened = receiverOf(capture, sealed).unprotect(sealed, raw);
        assertEquals(sealed.header(), opened.header());
        assertTrue(opened.payloads().stream().noneMatch(p -> p instanceof EncryptedPayload));

        byte[] content = ((EncryptedPayload) sealed.payloads().getLast()).content();
        ProtectionSuite suite = suite(capture);
        byte[] iv = Arrays.copyOf(content, suite.ivLength());
        // SkCipher.seal draws the CBC padding, then the IV.
        OctetSource captured = suite.encryption().isAead()
                ? new ScriptedOctets(iv)
                : new ScriptedOctets(cbcPadding(sealed, content), iv);
        HostKey[] k = senderKeys(sealed);
        SkProtection sender = SkProtection.of(
                suite.newCipher(k[0], k[1], captured), suite.newCipher(k[0], k[1]), DecodeLimits.DEFAULT);
        assertArrayEquals(raw, sender.protect(opened.header(), opened.payloads()), capture + " frame " + frame);
        assertEquals(raw.length, sender.protectedLength(opened.payloads()));
    }

    /** The captured Padding octets, read with a plain JDK AES-CBC decryption independent of the code under test. */
    private static byte[] cbcPadding(IkeMessage sealed, byte[] content) throws Exception {
        Cipher aes = Cipher.getInstance("AES/CBC/NoPadding");
        aes.init(
                Cipher.DECRYPT_MODE,
                new SecretKeySpec(senderKeys(sealed)[0].bytes(), "AES"),
                new IvParameterSpec(content, 0, 16));
        byte[] padded = aes.doFinal(content, 16, content.length - 16 - 16);
        int padLength = padded[padded.length - 1];
        return Arrays.copyOfRange(padded, padded.length - 1 - padLength, padded.length - 1);
    }

    @Test
    void gcm16InitiatorAuthFieldByField() throws Exception {
        IkeMessage m = open(GCM16, 3);
        assertEquals(ExchangeType.IKE_AUTH, m.header().exchange());
        assertEquals(1, m.header().messageId());
        assertEquals(
                List.of(
                        PayloadType.IDI,
                        PayloadType.NOTIFY,
                        PayloadType.IDR,
                        PayloadType.AUTH,
                        PayloadType.SA,
                        PayloadType.TSI,
                        PayloadType.TSR,
                        PayloadType.NOTIFY,
                        PayloadType.NOTIFY),
                types(m));

        IdentificationPayload idi = m.identification(PayloadType.IDI).orElseThrow();
        assertEquals(IdentificationPayload.ID_IPV4_ADDR, idi.idType());
        assertArrayEquals(InetAddress.getByName("192.168.1.2").getAddress(), idi.data());
        IdentificationPayload idr = m.identification(PayloadType.IDR).orElseThrow();
        assertEquals(IdentificationPayload.ID_IPV4_ADDR, idr.idType());
        assertArrayEquals(InetAddress.getByName("192.168.1.14").getAddress(), idr.data());

        assertEquals(
                List.of(
                        NotifyType.INITIAL_CONTACT,
                        NotifyType.MULTIPLE_AUTH_SUPPORTED,
                        NotifyType.EAP_ONLY_AUTHENTICATION),
                m.notifications().stream().map(NotifyPayload::notifyType).toList());
        assertTrue(m.notifications().stream().allMatch(n -> n.data().length == 0 && n.spi().length == 0));

        AuthenticationPayload auth = m.first(AuthenticationPayload.class).orElseThrow();
        assertEquals(2, auth.method());
        assertEquals("bc404a4c66a36c59a0b3fd700bbc5597176ad2c5e5df5bba82c4a6b6b4ef8b31", HEX.formatHex(auth.data()));

        Proposal esp = m.first(SecurityAssociationPayload.class)
                .orElseThrow()
                .proposals()
                .getFirst();
        assertEquals(1, esp.number());
        assertEquals(ProtocolId.ESP, esp.protocolId());
        assertEquals("cfc3e387", HEX.formatHex(esp.spi()));
        assertEquals(
                List.of(Transform.ENCR, Transform.INTEG, Transform.PRF, Transform.ESN),
                esp.transforms().stream().map(Transform::type).toList());
        assertEquals(
                List.of(12, 12, 5, 0),
                esp.transforms().stream().map(Transform::id).toList());
        assertEquals(256, esp.transforms().getFirst().keyLength().orElseThrow());

        assertSingleHostSelector(m.trafficSelectors(PayloadType.TSI).orElseThrow(), "192.168.1.2");
        assertSingleHostSelector(m.trafficSelectors(PayloadType.TSR).orElseThrow(), "192.168.1.14");
    }

    @Test
    void gcm16PadLengthIsZero() throws Exception {
        byte[] raw = WiresharkCaptures.frame(GCM16, 3);
        IkeMessage sealed = IkeMessageCodec.decode(raw);
        byte[] content = ((EncryptedPayload) sealed.payloads().getLast()).content();
        HostKey[] k = senderKeys(sealed);
        SkCipher cipher = suite(GCM16).newCipher(k[0], k[1]);
        byte[] padded = cipher.openPadded(Arrays.copyOf(raw, raw.length - content.length), content);
        assertEquals(0, padded[padded.length - 1]);
        assertEquals(188, padded.length - 1); // Wireshark: "Contained Data (188 bytes)"
    }

    private static void assertSingleHostSelector(TrafficSelectorPayload ts, String host) throws Exception {
        assertEquals(1, ts.selectors().size());
        TrafficSelector s = ts.selectors().getFirst();
        assertEquals(TrafficSelector.TS_IPV4_ADDR_RANGE, s.tsType());
        assertEquals(0, s.ipProtocol());
        assertEquals(0, s.startPort());
        assertEquals(65535, s.endPort());
        assertEquals(InetAddress.getByName(host), s.start());
        assertEquals(InetAddress.getByName(host), s.end());
    }

    /** The AUTH values Wireshark's own test suite asserts for these captures. */
    @Test
    void authDataAsWiresharksTestSuiteAssertsIt() throws Exception {
        assertEquals("9ab71f14ab553cad873a1aa70b99df155dee77cdcf3694b3b7527acbb9712ded", authData(GCM16, 4));
        assertEquals("4a66d822d0afbc22ad9a92a2cf4287c920ad8ac3b069a4a7e75fe0a5d499f914", authData(GCM8, 3));
        assertEquals("e1a8d550064201a7ec024a85758d0673c61c5c510ac13bcd225d6327f50da3d3", authData(CBC, 3));
    }

    private static String authData(String capture, int frame) throws Exception {
        return HEX.formatHex(open(capture, frame)
                .first(AuthenticationPayload.class)
                .orElseThrow()
                .data());
    }

    @Test
    void responsesAndInformationalsOpen() throws Exception {
        for (String capture : List.of(GCM16, GCM8)) {
            IkeMessage authResponse = open(capture, 4);
            assertEquals(
                    List.of(
                            PayloadType.IDR,
                            PayloadType.AUTH,
                            PayloadType.SA,
                            PayloadType.TSI,
                            PayloadType.TSR,
                            PayloadType.NOTIFY),
                    types(authResponse));
            assertEquals(
                    NotifyType.AUTH_LIFETIME,
                    authResponse.notifications().getFirst().notifyType());

            IkeMessage delete = open(capture, 5);
            assertEquals(ExchangeType.INFORMATIONAL, delete.header().exchange());
            assertEquals(List.of(PayloadType.DELETE), types(delete));
            assertEquals(
                    ProtocolId.IKE,
                    delete.first(DeletePayload.class).orElseThrow().protocolId());

            IkeMessage empty = open(capture, 6); // the answer to a Delete of the IKE SA: an empty SK (§1.4.1)
            assertTrue(empty.header().isResponse());
            assertEquals(List.of(), empty.payloads());
        }
        IkeMessage cbcResponse = open(CBC, 4);
        assertEquals(
                "ebbc48efe986d5058f0d52a71f34986d1ab78f63c0fdde69164cd57638b1b048",
                HEX.formatHex(cbcResponse
                        .first(AuthenticationPayload.class)
                        .orElseThrow()
                        .data()));
    }

    private static List<PayloadType> types(IkeMessage m) {
        return m.payloads().stream()
                .map(IkePayload::typeCode)
                .map(PayloadType::of)
                .toList();
    }
}
