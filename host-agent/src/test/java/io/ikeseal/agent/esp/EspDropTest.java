package io.ikeseal.agent.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.ProtectionSuite;

/** Bad input is a counted drop with the right reason, never an exception (RFC 4303 §3.4). */
class EspDropTest {
    private static final int SPI = 0x0a0b0c0d;

    private static ChildSuite[] representatives() {
        return new ChildSuite[] {
            EspSuites.gcm256(false),
            EspSuites.gcm256(true),
            new ChildSuite(ProtectionSuite.of(18, 128, 0), null, true),
            new ChildSuite(ProtectionSuite.of(19, 192, 0), null, false),
            new ChildSuite(ProtectionSuite.of(28, 0, 0), null, true),
            new ChildSuite(ProtectionSuite.of(12, 128, 12), null, false),
            new ChildSuite(ProtectionSuite.of(12, 256, 14), null, true)
        };
    }

    private static int open(EspOpener opener, byte[] packet) {
        ByteBuffer plain = ByteBuffer.allocateDirect(packet.length + 16);
        ByteBuffer esp = ByteBuffer.allocateDirect(Math.max(1, packet.length))
                .put(packet)
                .flip();
        return opener.open(esp, plain);
    }

    @Test
    void everySingleBitFlipIsDropped() {
        for (ChildSuite suite : representatives()) {
            EspSuites.Pair pair = EspSuites.pair(suite, 5, SPI, 64);
            byte[] packet = EspRoundTripTest.seal(pair.sealer(), EspSuites.inner(new Random(3), 45));
            for (int bit = 0; bit < packet.length * 8; bit++) {
                byte[] flipped = packet.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                int expected;
                if (bit < 32) {
                    expected = EspDrop.UNKNOWN_SPI.code();
                } else {
                    // A flipped sequence number may land left of the window (REPLAY) or in it (BAD_ICV).
                    expected = EspDrop.BAD_ICV.code();
                }
                int got = open(pair.opener(), flipped);
                if (bit >= 32 && bit < 64 && got == EspDrop.REPLAY.code()) {
                    continue;
                }
                assertEquals(EspDrop.ofCode(expected), EspDrop.ofCode(got), suite + " bit " + bit);
            }
            assertEquals(0, pair.opener().packets());
            assertEquals(4, open(pair.opener(), packet), "the original still opens: nothing moved the window");
        }
    }

    @Test
    void everyTruncationIsDropped() {
        for (ChildSuite suite : representatives()) {
            EspSuites.Pair pair = EspSuites.pair(suite, 6, SPI, 64);
            byte[] packet = EspRoundTripTest.seal(pair.sealer(), EspSuites.inner(new Random(4), 60));
            for (int length = 0; length < packet.length; length++) {
                byte[] cut = Arrays.copyOf(packet, length);
                int got = open(pair.opener(), cut);
                assertTrue(
                        got == EspDrop.TRUNCATED.code()
                                || got == EspDrop.BAD_ICV.code()
                                || (got == EspDrop.UNKNOWN_SPI.code() && length < 8),
                        suite + " " + length + ": " + EspDrop.ofCode(got));
                if (length
                        < 8 + suite.protection().ivLength() + suite.protection().icvLength() + 2) {
                    assertEquals(EspDrop.TRUNCATED.code(), got, suite + " " + length);
                }
            }
            assertEquals(4, open(pair.opener(), packet));
        }
    }

    @Test
    void replaysAreDroppedBeforeTheIcv() {
        EspSuites.Pair pair = EspSuites.pair(EspSuites.gcm256(false), 7, SPI, 32);
        byte[] first = EspRoundTripTest.seal(pair.sealer(), new byte[] {0x45});
        assertEquals(4, open(pair.opener(), first));
        assertEquals(EspDrop.REPLAY.code(), open(pair.opener(), first));
        byte[] forgedReplay = first.clone();
        forgedReplay[first.length - 1] ^= 1;
        assertEquals(EspDrop.REPLAY.code(), open(pair.opener(), forgedReplay), "no ICV work for a replay");
        for (int i = 0; i < 40; i++) {
            assertEquals(4, open(pair.opener(), EspRoundTripTest.seal(pair.sealer(), new byte[] {0x45})));
        }
        byte[] sequenceZero = first.clone();
        sequenceZero[7] = 0;
        assertEquals(EspDrop.REPLAY.code(), open(pair.opener(), sequenceZero));
    }

    @Test
    void badPaddingAndBadNextHeader() {
        for (ChildSuite suite : representatives()) {
            EspSuites.Pair pair = EspSuites.pair(suite, 8, SPI, 64);
            EspTransform t = EspSuites.transform(suite, pair);
            int block = t.alignment;
            long seq = 1;

            // Pad Length beyond the payload.
            byte[] pt = new byte[block];
            pt[block - 2] = (byte) (block - 1);
            pt[block - 1] = 4;
            assertEquals(
                    EspDrop.BAD_PADDING.code(), open(pair.opener(), EspSuites.craft(t, SPI, seq++, pt)), suite + "");

            // Padding octets not 1, 2, 3, ...
            pt = new byte[2 * block];
            pt[0] = 0x45;
            int padLength = 2 * block - 2 - 1;
            for (int i = 0; i < padLength; i++) {
                pt[1 + i] = (byte) (i + 1);
            }
            pt[1 + padLength / 2] = 0x7f;
            pt[2 * block - 2] = (byte) padLength;
            pt[2 * block - 1] = 4;
            assertEquals(
                    EspDrop.BAD_PADDING.code(), open(pair.opener(), EspSuites.craft(t, SPI, seq++, pt)), suite + "");
            pt[1 + padLength / 2] = (byte) (padLength / 2 + 1);
            assertEquals(4, open(pair.opener(), EspSuites.craft(t, SPI, seq++, pt)), suite + ": repaired");

            // Next Header: 59 (a dummy packet, RFC 4303 §2.6), transport-mode protocols, and anything else.
            for (int nextHeader : new int[] {59, 6, 17, 0, 255}) {
                pt[2 * block - 1] = (byte) nextHeader;
                assertEquals(
                        EspDrop.BAD_NEXT_HEADER.code(),
                        open(pair.opener(), EspSuites.craft(t, SPI, seq++, pt)),
                        suite + " " + nextHeader);
            }
            pt[2 * block - 1] = 41;
            assertEquals(41, open(pair.opener(), EspSuites.craft(t, SPI, seq++, pt)));
            assertEquals(2, pair.opener().packets(), "drops are not counted as packets");
            // The dropped packets' numbers were not recorded: the window moves only after every check.
            assertEquals(seq - 1, ((EspInbound) pair.opener()).window().top());
        }
    }

    @Test
    void randomGarbageNeverThrows() {
        Random random = new Random(99);
        for (ChildSuite suite : representatives()) {
            EspSuites.Pair pair = EspSuites.pair(suite, 9, SPI, 64);
            for (int i = 0; i < 2_000; i++) {
                byte[] garbage = new byte[random.nextInt(200)];
                random.nextBytes(garbage);
                if (garbage.length >= 4 && random.nextBoolean()) {
                    EspTransform.putInt(garbage, 0, SPI); // past the SPI check, into the window and ICV
                }
                int got = open(pair.opener(), garbage);
                assertTrue(got < 0, suite + ": garbage accepted");
            }
            assertEquals(0, pair.opener().packets());
        }
    }
}
