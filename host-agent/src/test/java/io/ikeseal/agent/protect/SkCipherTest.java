package io.ikeseal.agent.protect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.hsm.api.HostKey;

/** SkCipher for every supported suite: round trips, lengths, and every way a sealed content can be refused. */
class SkCipherTest {
    private static final byte[] AD =
            HexFormat.of().parseHex("00112233445566778899aabbccddeeff2e202508000000010000006423000048");

    static List<ProtectionSuite> suites() {
        return Suites.all();
    }

    private static SkCipher cipher(ProtectionSuite s, long seed) {
        Random r = new Random(seed);
        return s.newCipher(Suites.skE(s, r), Suites.skA(s, r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sealOpenRoundTrips(ProtectionSuite s) throws Exception {
        SkCipher c = cipher(s, 1);
        Random r = new Random(2);
        for (int len : new int[] {0, 1, 14, 15, 16, 17, 31, 32, 33, 255, 256, 1000, 1 + r.nextInt(4000)}) {
            byte[] plaintext = Suites.bytes(r, len);
            byte[] content = c.seal(AD, plaintext);
            assertEquals(c.contentLength(len), content.length);
            assertEquals(0, (content.length - s.ivLength() - s.icvLength()) % s.blockSize());
            assertArrayEquals(plaintext, c.open(AD, content), s + " " + len);
            assertTrue(c.maxPlaintextLength(content.length) >= len);
            assertTrue(c.contentLength(c.maxPlaintextLength(content.length)) <= content.length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void minimalPaddingOnSend(ProtectionSuite s) throws Exception {
        SkCipher c = cipher(s, 3);
        for (int len = 0; len < 40; len++) {
            byte[] padded = c.openPadded(AD, c.seal(AD, new byte[len]));
            int padLength = padded[padded.length - 1];
            assertEquals(len, padded.length - 1 - padLength);
            assertTrue(padLength < s.blockSize(), "RFC 7296 §3.14: SHOULD be the minimum");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void everySingleBitFlipFailsIntegrity(ProtectionSuite s) throws Exception {
        SkCipher c = cipher(s, 4);
        byte[] content = c.seal(AD, Suites.bytes(new Random(5), 40));
        int flips = 0;
        for (int bit = 0; bit < (AD.length + content.length) * 8; bit++) {
            byte[] ad = AD.clone();
            byte[] ct = content.clone();
            byte[] target = bit / 8 < ad.length ? ad : ct;
            int at = bit / 8 < ad.length ? bit / 8 : bit / 8 - ad.length;
            target[at] ^= (byte) (1 << (bit % 8));
            IntegrityException e = assertThrows(IntegrityException.class, () -> c.open(ad, ct), "bit " + bit);
            assertEquals(IntegrityFailure.ICV_MISMATCH, e.failure());
            flips++;
        }
        assertEquals((AD.length + content.length) * 8, flips);
        // The original still opens: failures leave no state behind.
        assertEquals(40, c.open(AD, content).length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void truncatedContentIsRefused(ProtectionSuite s) throws Exception {
        SkCipher c = cipher(s, 6);
        byte[] content = c.seal(AD, Suites.bytes(new Random(7), 50));
        int minimum = s.ivLength() + s.icvLength() + 1;
        for (int len = 0; len < content.length; len++) {
            byte[] cut = Arrays.copyOf(content, len);
            IntegrityFailure expected = len < minimum
                    ? IntegrityFailure.TOO_SHORT
                    : (len - s.ivLength() - s.icvLength()) % s.blockSize() != 0
                            ? IntegrityFailure.NOT_BLOCK_ALIGNED
                            : IntegrityFailure.ICV_MISMATCH;
            assertEquals(
                    expected,
                    assertThrows(IntegrityException.class, () -> c.open(AD, cut))
                            .failure(),
                    "length " + len);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void padLengthMustFitButNeedNotBeMinimal(ProtectionSuite s) throws Exception {
        SkCipher c = cipher(s, 8);
        int b = s.blockSize();
        // Pad Length beyond the plaintext, under a valid ICV: the peer sent it, so it is a syntax error.
        for (int padLength : new int[] {b * 2, 255}) {
            byte[] padded = new byte[b * 2];
            padded[padded.length - 1] = (byte) padLength;
            byte[] content = c.sealPadded(AD, padded);
            MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> c.open(AD, content));
            assertEquals(MalformedReason.INVALID_SYNTAX, e.reason());
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        }
        // §3.14: "the recipient MUST accept any length that results in proper alignment".
        byte[] padded = new byte[Math.max(b * 4, 12)];
        Arrays.fill(padded, 0, 5, (byte) 0x5a);
        padded[padded.length - 1] = (byte) (padded.length - 6);
        assertArrayEquals(new byte[] {0x5a, 0x5a, 0x5a, 0x5a, 0x5a}, c.open(AD, c.sealPadded(AD, padded)));
        // All padding, no payload: an empty SK.
        byte[] empty = new byte[b];
        empty[b - 1] = (byte) (b - 1);
        assertEquals(0, c.open(AD, c.sealPadded(AD, empty)).length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void wrongKeyFailsIntegrity(ProtectionSuite s) throws Exception {
        byte[] content = cipher(s, 9).seal(AD, new byte[64]);
        assertEquals(
                IntegrityFailure.ICV_MISMATCH,
                assertThrows(IntegrityException.class, () -> cipher(s, 10).open(AD, content))
                        .failure());
        if (!s.encryption().isAead()) {
            // Right SK_e, wrong SK_a: still refused, and before decryption.
            Random r = new Random(9);
            HostKey skE = Suites.skE(s, r);
            Suites.skA(s, r);
            SkCipher wrongA = s.newCipher(skE, Suites.skA(s, new Random(11)));
            assertThrows(IntegrityException.class, () -> wrongA.open(AD, content));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void ivsNeverRepeat(ProtectionSuite s) {
        SkCipher c = cipher(s, 12);
        Set<String> ivs = new HashSet<>();
        long previous = 0;
        for (int i = 0; i < 500; i++) {
            byte[] iv = Arrays.copyOf(c.seal(AD, new byte[8]), s.ivLength());
            assertTrue(ivs.add(HexFormat.of().formatHex(iv)));
            if (s.encryption().isAead()) {
                long v = java.nio.ByteBuffer.wrap(iv).getLong();
                assertTrue(i == 0 || v == previous + 1, "AEAD IVs count up");
                previous = v;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void keyLengthsAreChecked(ProtectionSuite s) {
        Random r = new Random(13);
        HostKey shortE = new HostKey("SK_e", Suites.bytes(r, s.encryptionKeyLength() - 1));
        assertThrows(IllegalArgumentException.class, () -> s.newCipher(shortE, Suites.skA(s, r)));
        HostKey longA = new HostKey("SK_a", Suites.bytes(r, s.integrityKeyLength() + 1));
        assertThrows(IllegalArgumentException.class, () -> s.newCipher(Suites.skE(s, r), longA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void noKeyOrPlaintextInTextOrExceptions(ProtectionSuite s) throws Exception {
        Random r = new Random(14);
        HostKey skE = Suites.skE(s, r);
        HostKey skA = Suites.skA(s, r);
        SkCipher c = s.newCipher(skE, skA);
        SkProtection p = SkProtection.of(c, s.newCipher(skE, skA), io.ikeseal.agent.wire.DecodeLimits.DEFAULT);
        byte[] plaintext = Suites.bytes(r, 48);
        byte[] content = c.seal(AD, plaintext);
        content[content.length - 1] ^= 1;
        IntegrityException e = assertThrows(IntegrityException.class, () -> c.open(AD, content));
        String text = c + " " + p + " " + e.getMessage() + " " + s;
        for (byte[] secret : List.of(skE.bytes(), skA.bytes(), plaintext)) {
            if (secret.length > 0) {
                String hex = HexFormat.of().formatHex(secret);
                assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains(hex.substring(0, 8)), text);
            }
        }
        assertEquals(0, e.getStackTrace().length, "cheap to throw for forged packets");
    }

    @Test
    void destroyedCipherRefusesWork() {
        ProtectionSuite s = ProtectionSuite.of(20, 256, 0);
        SkCipher c = cipher(s, 15);
        c.destroy();
        assertTrue(c.isDestroyed());
        assertThrows(IllegalStateException.class, () -> c.seal(AD, new byte[1]));
        assertThrows(IllegalStateException.class, () -> c.open(AD, new byte[64]));
    }

    @Test
    void suitesFromTransformIds() {
        assertEquals(36, ProtectionSuite.of(20, 256, 0).encryptionKeyLength());
        assertEquals(0, ProtectionSuite.of(20, 256, 0).integrityKeyLength());
        assertEquals(20, ProtectionSuite.of(18, 128, 0).encryptionKeyLength());
        assertEquals(28, ProtectionSuite.of(19, 192, 0).encryptionKeyLength());
        assertEquals(36, ProtectionSuite.of(28, 0, 0).encryptionKeyLength());
        assertEquals(ProtectionSuite.of(28, 0, 0), ProtectionSuite.of(28, 256, 0));
        assertEquals(24, ProtectionSuite.of(12, 192, 13).encryptionKeyLength());
        assertEquals(48, ProtectionSuite.of(12, 192, 13).integrityKeyLength());
        assertEquals(24, ProtectionSuite.of(12, 192, 13).icvLength());
        assertEquals(64, ProtectionSuite.of(12, 128, 14).integrityKeyLength());
        assertEquals(32, ProtectionSuite.of(12, 128, 14).icvLength());
        assertEquals(19, Suites.all().size());
        assertFalse(ProtectionSuite.isSupported(20, 256, 12), "RFC 5282 §8: no INTEG with AEAD");
        assertFalse(ProtectionSuite.isSupported(12, 256, 0), "CBC needs INTEG");
        assertFalse(ProtectionSuite.isSupported(12, 0, 12), "AES needs a Key Length");
        assertFalse(ProtectionSuite.isSupported(20, 512, 0));
        assertFalse(ProtectionSuite.isSupported(28, 128, 0));
        assertFalse(ProtectionSuite.isSupported(3, 0, 2), "3DES/HMAC-SHA1 are not offered");
        assertFalse(ProtectionSuite.isSupported(16, 128, 0), "AES-CCM is not supported");
    }
}
