package io.ikeseal.agent.auth;

import static org.bouncycastle.util.Arrays.concatenate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;

/** RFC 7296 §2.15's signed octets, against a public known answer and a plain JDK HMAC reference. */
class SignedOctetsTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * AOSP IPsec's IkeAuthPskPayloadTest: an IKE_SA_INIT request, the responder's nonce, IDi 10.80.80.13, SK_pi and
     * the PSK "juniper123" give AUTH df7c03... under HMAC-SHA1. Our PRFs are SHA-2 only, so the test computes the
     * SHA-1 prf itself; what it checks is that RealMessage1 | NonceRData | MACedIDForI is assembled as an
     * independent implementation assembles it, and that our IDi octets are the ones that vector MACs.
     */
    @Test
    void knownAnswerOfAnIndependentImplementation() throws Exception {
        byte[] message1 = HEX.parseHex("5f54bf6d8b48e6e1000000000000000021202208"
                + "0000000000000150220000300000002c010100040300000c0100000c800e00800300000803000002"
                + "0300000804000002000000080200000228000088"
                + "00020000b4a2faf4bb54878ae21d638512ece55d9236fc5046ab6cef82220f421f3ce6361faf3656"
                + "4ecb6d28798a94aad7b2b4b603ddeaaa5630adb9ece8ac37534036040610ebdd92f46bef84f0be7d"
                + "b860351843858f8acf87056e272377f70c9f2d81e29c7b0ce4f291a3a72476bb0b278fd4b7b0a4c2"
                + "6bbeb08214c707137607958729000024c39b7f368f4681b89fa9b7be6465abd7c5f68b6ed5d3b4c7"
                + "2cb4240eb5c464122900001c00004004e54f73b7d83f6beb881eab2051d8663f421d10b02b00001c"
                + "00004005d915368ca036004cb578ae3e3fb268509aeab19000000020699369228741c6d4ca094c93"
                + "e242c9de19e7b7c60000000500000500");
        byte[] nonceR = HEX.parseHex("9756112ca539f5c25abacc7ee92b73091942a9c06950f98848f1af1694c4ddff");
        byte[] skPi = HEX.parseHex("094787780EE466E2CB049FA327B43908BC57E485");
        byte[] psk = HEX.parseHex("6A756E69706572313233");
        IdentificationPayload idi = IkeIdentity.parse("10.80.80.13").toPayload(PayloadType.IDI);

        byte[] octets = SignedOctets.of(message1, nonceR, hmacSha1(skPi, idi.restOfPayload()));
        byte[] auth = hmacSha1(hmacSha1(psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII)), octets);

        assertEquals("df7c038aefaaa32d3f44b228b52a332744dfb2c1", HEX.formatHex(auth));
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void initiatorAndResponderOctetsAreMessageNonceAndMacedId(Prf prf) throws Exception {
        TestSa sa = TestSa.of(prf, "192.0.2.7");
        IdentificationPayload idi = IkeIdentity.parse("@initiator.example").toPayload(PayloadType.IDI);
        IdentificationPayload idr = IkeIdentity.parse("C=DE, CN=responder").toPayload(PayloadType.IDR);

        byte[] i = sa.initiatorOctets(idi);
        byte[] r = sa.responderOctets(idr);

        assertArrayEquals(
                concatenate(sa.message1(), sa.nr(), hmac(prf, sa.skPi().bytes(), idi.restOfPayload())), i);
        assertArrayEquals(
                concatenate(sa.message2(), sa.ni(), hmac(prf, sa.skPr().bytes(), idr.restOfPayload())), r);
        assertEquals(sa.message1().length + sa.nr().length + prf.outputLength(), i.length);
    }

    @Test
    void everyInputChangesTheOctets() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7");
        IdentificationPayload idi = IkeIdentity.parse("@initiator.example").toPayload(PayloadType.IDI);
        byte[] base = sa.initiatorOctets(idi);
        byte[] m1 = sa.message1().clone();
        m1[m1.length - 1] ^= 1;
        byte[] nr = sa.nr().clone();
        nr[0] ^= 1;
        IdentificationPayload other = IkeIdentity.parse("@initiator.examplf").toPayload(PayloadType.IDI);
        HostKey otherKey = new HostKey("SK_pi", new byte[32]);
        assertFalse(Arrays.equals(base, SignedOctets.initiator(m1, sa.nr(), sa.prf(), sa.skPi(), idi)));
        assertFalse(Arrays.equals(base, SignedOctets.initiator(sa.message1(), nr, sa.prf(), sa.skPi(), idi)));
        assertFalse(Arrays.equals(base, SignedOctets.initiator(sa.message1(), sa.nr(), sa.prf(), sa.skPi(), other)));
        assertFalse(Arrays.equals(base, SignedOctets.initiator(sa.message1(), sa.nr(), sa.prf(), otherKey, idi)));
    }

    @Test
    void refusesTheOtherDirectionsKeyOrIdAndKeysOfTheWrongLength() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_384, "192.0.2.7");
        IdentificationPayload idi = IkeIdentity.parse("@i.example").toPayload(PayloadType.IDI);
        IdentificationPayload idr = IkeIdentity.parse("@r.example").toPayload(PayloadType.IDR);
        IllegalArgumentException swapped = assertThrows(
                IllegalArgumentException.class,
                () -> SignedOctets.initiator(sa.message1(), sa.nr(), sa.prf(), sa.skPr(), idi));
        assertTrue(swapped.getMessage().contains("keyed with SK_pi, not SK_pr"), swapped.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SignedOctets.responder(sa.message2(), sa.ni(), sa.prf(), sa.skPr(), idi));
        IllegalArgumentException shortKey = assertThrows(
                IllegalArgumentException.class,
                () -> SignedOctets.responder(
                        sa.message2(), sa.ni(), sa.prf(), new HostKey("SK_pr", new byte[32]), idr));
        assertTrue(shortKey.getMessage().contains("prfsha384 keys it with 48"), shortKey.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SignedOctets.responder(new byte[0], sa.ni(), sa.prf(), sa.skPr(), idr));
    }

    @Test
    void theKeyCopyIsWipedAndTheHostKeyStaysUsable() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_512, "192.0.2.7");
        IdentificationPayload idi = IkeIdentity.parse("@i.example").toPayload(PayloadType.IDI);
        byte[] once = sa.initiatorOctets(idi);
        assertArrayEquals(once, sa.initiatorOctets(idi));
        sa.skPi().destroy();
        assertThrows(IllegalStateException.class, () -> sa.initiatorOctets(idi), "a destroyed SK_pi is refused");
    }

    private static byte[] hmacSha1(byte[] key, byte[] data) throws Exception {
        return hmac("HmacSHA1", key, data);
    }

    private static byte[] hmac(Prf prf, byte[] key, byte[] data) throws Exception {
        return hmac(prf.macAlgorithm(), key, data);
    }

    /** The plain JDK HMAC, independent of {@link HostPrf}. */
    static byte[] hmac(String algorithm, byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(key, algorithm));
        return mac.doFinal(data);
    }
}
