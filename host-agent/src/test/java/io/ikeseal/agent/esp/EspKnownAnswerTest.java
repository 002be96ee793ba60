package io.ikeseal.agent.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.HostKey;

/**
 * Published ESP packets, and our sealers' packets opened with the JDK directly (nonce, AAD with ESN, ICV input),
 * so that a sealer and an opener cannot agree on a mistake.
 */
class EspKnownAnswerTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 7634 Appendix A: an ICMP echo in tunnel mode, SPI 01020304, sequence number 5, IV 1011121314151617. */
    private static final byte[] CHACHA_KEYMAT =
            HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" + "a0a1a2a3");

    private static final String CHACHA_INNER = "45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec10"
            + "0007362708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223"
            + "2425262728292a2b2c2d2e2f3031323334353637";
    private static final String CHACHA_PACKET = "01020304000000051011121314151617"
            + "24039428b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
            + "14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3"
            + "cbec163fac469b502773f6fb94e664da9165b82829f641e0"
            + "76aaa8266b7fb0f7b11b369907e1ad43";

    /** draft-mcgrew-gcm-test-01, the AES-256 case: SPI 4a2cbfe3, sequence number 2, a TCP SYN (Next Header 1). */
    private static final byte[] GCM_KEYMAT =
            HEX.parseHex("abbccddef00112233445566778899aababbccddef00112233445566778899aab" + "11223344");

    private static final String GCM_PLAINTEXT =
            "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201";
    private static final String GCM_PACKET = "4a2cbfe3000000020102030405060708"
            + "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
            + "748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49"
            + "15956c96";

    private static HostKey key(byte[] octets) {
        return new HostKey("KEYMAT", octets);
    }

    @Test
    void opensRfc7634AppendixA() {
        ChildSuite suite = new ChildSuite(ProtectionSuite.of(28, 0, 0), null, false);
        EspOpener opener = EspTransforms.opener(suite, key(CHACHA_KEYMAT), key(new byte[0]), 0x01020304, 64);
        ByteBuffer esp =
                ByteBuffer.allocateDirect(200).put(HEX.parseHex(CHACHA_PACKET)).flip();
        ByteBuffer plain = ByteBuffer.allocateDirect(200);
        assertEquals(4, opener.open(esp, plain));
        byte[] inner = new byte[plain.remaining()];
        plain.get(inner);
        assertEquals(CHACHA_INNER, HEX.formatHex(inner));
        assertEquals(1, opener.packets());
        assertEquals(84, opener.octets());
        esp.position(0);
        assertEquals(EspDrop.REPLAY.code(), opener.open(esp, plain.clear()));
    }

    @Test
    void opensDraftMcGrewGcm256() {
        ChildSuite suite = new ChildSuite(ProtectionSuite.of(20, 256, 0), null, false);
        byte[] packet = HEX.parseHex(GCM_PACKET);
        EspTransform t = EspTransforms.transform(suite, key(GCM_KEYMAT), null);
        byte[] pt = new byte[packet.length];
        int n = t.open(packet.clone(), packet.length, 2, pt);
        assertEquals(GCM_PLAINTEXT, HEX.formatHex(pt, 0, n));

        // Through the opener: the ICV verifies, then the Next Header (1, not tunnel mode) is refused.
        EspOpener opener = EspTransforms.opener(suite, key(GCM_KEYMAT), null, 0x4a2cbfe3, 32);
        ByteBuffer plain = ByteBuffer.allocate(200);
        assertEquals(EspDrop.BAD_NEXT_HEADER.code(), opener.open(ByteBuffer.wrap(packet.clone()), plain));
        packet[packet.length - 1] ^= 1;
        assertEquals(EspDrop.BAD_ICV.code(), opener.open(ByteBuffer.wrap(packet), plain));
        assertEquals(0, opener.packets());
    }

    @Test
    void aeadPacketsOpenWithTheJdkDirectly() throws Exception {
        for (boolean esn : new boolean[] {false, true}) {
            for (ChildSuite suite : new ChildSuite[] {
                EspSuites.gcm256(esn),
                new ChildSuite(ProtectionSuite.of(19, 128, 0), null, esn),
                new ChildSuite(ProtectionSuite.of(28, 0, 0), null, esn)
            }) {
                EspSuites.Pair pair = EspSuites.pair(suite, 3, 0x11223344, 64);
                ((EspOutbound) pair.sealer()).skipTo(0x1_2345_6780L);
                byte[] inner = EspSuites.inner(new Random(1), 61);
                ByteBuffer out = ByteBuffer.allocate(200);
                pair.sealer().seal(ByteBuffer.wrap(inner), 4, out);
                byte[] packet = Arrays.copyOf(out.array(), out.position());

                assertEquals("11223344" + "23456781" + "0000000123456781", HEX.formatHex(packet, 0, 16), suite + "");
                byte[] keymat = pair.encryption();
                int keyLength = keymat.length - 4;
                byte[] nonce = new byte[12];
                System.arraycopy(keymat, keyLength, nonce, 0, 4);
                System.arraycopy(packet, 8, nonce, 4, 8);
                boolean gcm = suite.protection().encryption().id() != 28;
                Cipher c = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
                c.init(
                        Cipher.DECRYPT_MODE,
                        new SecretKeySpec(keymat, 0, keyLength, gcm ? "AES" : "ChaCha20"),
                        gcm
                                ? new GCMParameterSpec(suite.protection().icvLength() * 8, nonce)
                                : new IvParameterSpec(nonce));
                byte[] aad = esn
                        ? HEX.parseHex("11223344" + "00000001" + "23456781") // RFC 4106 §5, RFC 7634 §2.1
                        : Arrays.copyOf(packet, 8);
                c.updateAAD(aad);
                byte[] pt = c.doFinal(packet, 16, packet.length - 16);
                assertEquals(64, pt.length, "61 + 2 aligned to 4 (RFC 4303 §2.4)");
                assertArrayEquals(inner, Arrays.copyOf(pt, 61));
                assertEquals("010104", HEX.formatHex(pt, 61, 64), "padding 01, Pad Length 1, Next Header 4");
            }
        }
    }

    /** A GCM tag of 8 octets is the first 8 of the full tag (NIST SP 800-38D §7.1): the JDK makes the full one. */
    @Test
    void gcm8PacketsMatchTheJdksFullTag() throws Exception {
        for (boolean esn : new boolean[] {false, true}) {
            ChildSuite suite = new ChildSuite(ProtectionSuite.of(18, 256, 0), null, esn);
            EspSuites.Pair pair = EspSuites.pair(suite, 5, 0x01010101, 64);
            ((EspOutbound) pair.sealer()).skipTo(0x3_0000_0000L);
            byte[] inner = EspSuites.inner(new Random(3), 30);
            ByteBuffer out = ByteBuffer.allocate(100);
            pair.sealer().seal(ByteBuffer.wrap(inner), 41, out);
            byte[] packet = Arrays.copyOf(out.array(), out.position());
            assertEquals(8 + 8 + 32 + 8, packet.length, "30 + 2 aligned to 4, 8-octet ICV");

            byte[] keymat = pair.encryption();
            byte[] nonce = new byte[12];
            System.arraycopy(keymat, 32, nonce, 0, 4);
            System.arraycopy(packet, 8, nonce, 4, 8);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keymat, 0, 32, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(esn ? HEX.parseHex("01010101" + "00000003" + "00000001") : Arrays.copyOf(packet, 8));
            byte[] padded = Arrays.copyOf(inner, 32);
            padded[30] = 0; // Pad Length 0: 30 + 2 is aligned already
            padded[31] = 41;
            byte[] full = c.doFinal(padded);
            assertEquals(HEX.formatHex(full, 0, 32 + 8), HEX.formatHex(packet, 16, packet.length), suite + "");
        }
    }

    @Test
    void cbcPacketsCheckWithTheJdkDirectly() throws Exception {
        for (boolean esn : new boolean[] {false, true}) {
            for (int integ : new int[] {12, 13, 14}) {
                ChildSuite suite = new ChildSuite(ProtectionSuite.of(12, 256, integ), null, esn);
                EspSuites.Pair pair = EspSuites.pair(suite, 4, 0x55667788, 64);
                ((EspOutbound) pair.sealer()).skipTo(0x2_0000_0010L);
                byte[] inner = EspSuites.inner(new Random(2), 100);
                ByteBuffer out = ByteBuffer.allocate(300);
                pair.sealer().seal(ByteBuffer.wrap(inner), 41, out);
                byte[] packet = Arrays.copyOf(out.array(), out.position());
                int icv = suite.protection().icvLength();
                assertEquals(8 + 16 + 112 + icv, packet.length, "100 + 2 padded to 112");

                String hmac = "HmacSHA" + (integ == 12 ? 256 : integ == 13 ? 384 : 512);
                Mac mac = Mac.getInstance(hmac);
                mac.init(new SecretKeySpec(pair.integrity(), hmac));
                mac.update(packet, 0, packet.length - icv);
                if (esn) {
                    mac.update(new byte[] {0, 0, 0, 2}); // RFC 4303 §3.3.2.1: seq-hi after the packet
                }
                byte[] full = mac.doFinal();
                assertArrayEquals(
                        Arrays.copyOf(full, icv), Arrays.copyOfRange(packet, packet.length - icv, packet.length));

                Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
                c.init(
                        Cipher.DECRYPT_MODE,
                        new SecretKeySpec(pair.encryption(), "AES"),
                        new IvParameterSpec(packet, 8, 16));
                byte[] pt = c.doFinal(packet, 24, 112);
                assertArrayEquals(inner, Arrays.copyOf(pt, 100));
                assertEquals("0102030405060708090a0a29", HEX.formatHex(pt, 100, 112));
            }
        }
    }
}
