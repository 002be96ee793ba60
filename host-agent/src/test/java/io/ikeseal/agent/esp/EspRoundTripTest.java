package io.ikeseal.agent.esp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.HostKey;

/** Every suite ChildSuite can hold, with and without ESN, through direct and heap buffers. */
class EspRoundTripTest {
    private static final int[] LENGTHS = {0, 1, 2, 3, 4, 15, 16, 17, 20, 40, 1280, 1400, 1500, 9000};

    @Test
    void everySuiteRoundTrips() {
        for (ChildSuite suite : EspSuites.all()) {
            EspSuites.Pair pair = EspSuites.pair(suite, suite.describe().hashCode(), 0xc0ffee01, 128);
            Random random = new Random(7);
            long octets = 0;
            int packets = 0;
            for (boolean direct : new boolean[] {true, false}) {
                for (int length : LENGTHS) {
                    byte[] inner = EspSuites.inner(random, length);
                    ByteBuffer in = buffer(direct, length).put(inner).flip();
                    ByteBuffer esp = buffer(direct, length + pair.sealer().maxOverhead());
                    int nextHeader = length % 2 == 0 ? 4 : 41;
                    assertTrue(pair.sealer().seal(in, nextHeader, esp), suite + " " + length);
                    assertEquals(length, in.position());
                    esp.flip();
                    int espLength = esp.remaining();
                    assertTrue(espLength <= length + pair.sealer().maxOverhead());
                    int block = suite.protection().blockSize() == 16 ? 16 : 4;
                    int ivAndIcv =
                            suite.protection().ivLength() + suite.protection().icvLength();
                    assertEquals(0, (espLength - 8 - ivAndIcv) % block, suite + ": RFC 4303 §2.4 alignment");

                    ByteBuffer plain = buffer(direct, espLength);
                    plain.position(3); // the inner packet lands at plain's position
                    assertEquals(nextHeader, pair.opener().open(esp, plain), suite + " " + length);
                    assertEquals(3, plain.position());
                    assertEquals(3 + length, plain.limit());
                    byte[] got = new byte[length];
                    plain.get(got);
                    assertArrayEquals(inner, got, suite + " " + length);
                    assertFalse(esp.hasRemaining());
                    octets += length;
                    packets++;
                }
            }
            assertEquals(packets, pair.sealer().packets());
            assertEquals(packets, pair.opener().packets());
            assertEquals(octets, pair.sealer().octets());
            assertEquals(octets, pair.opener().octets());
        }
    }

    @Test
    void outOfOrderArrivalsWithinTheWindowOpen() {
        EspSuites.Pair pair = EspSuites.pair(EspSuites.gcm256(true), 1, 7, 64);
        byte[][] packets = new byte[10][];
        for (int i = 0; i < packets.length; i++) {
            packets[i] = seal(pair.sealer(), new byte[] {0x45, (byte) i});
        }
        for (int i : new int[] {3, 1, 2, 9, 0, 8, 4, 7, 6, 5}) {
            assertEquals(4, pair.opener().open(ByteBuffer.wrap(packets[i]), ByteBuffer.allocate(100)), "" + i);
        }
        for (byte[] p : packets) {
            assertEquals(EspDrop.REPLAY.code(), pair.opener().open(ByteBuffer.wrap(p), ByteBuffer.allocate(100)));
        }
    }

    @Test
    void esnCrossesTheLowHalfWrap() {
        for (ChildSuite suite :
                new ChildSuite[] {EspSuites.gcm256(true), new ChildSuite(ProtectionSuite.of(12, 128, 12), null, true)
                }) {
            EspSuites.Pair pair = EspSuites.pair(suite, 2, 9, 64);
            ((EspOutbound) pair.sealer()).skipTo(0xFFFFFFF0L);
            EspInbound opener = (EspInbound) pair.opener();
            for (int i = 0; i < 40; i++) {
                byte[] p = seal(pair.sealer(), new byte[] {0x45, 0, 0, (byte) i});
                assertEquals(4, opener.open(ByteBuffer.wrap(p), ByteBuffer.allocate(100)), suite + " " + i);
            }
            assertEquals(0x1_0000_0018L, opener.window().top(), suite + "");
        }
    }

    @Test
    void withoutEsnTheSequenceNeverCycles() {
        EspSuites.Pair pair = EspSuites.pair(EspSuites.gcm256(false), 3, 9, 64);
        ((EspOutbound) pair.sealer()).skipTo(0xFFFFFFFEL);
        ByteBuffer out = ByteBuffer.allocate(200);
        assertTrue(pair.sealer().seal(ByteBuffer.wrap(new byte[20]), 4, out));
        assertEquals(-1, out.getInt(4), "2^32 - 1 is the last number sent (RFC 4303 §3.3.3)");
        int written = out.position();
        ByteBuffer inner = ByteBuffer.wrap(new byte[20]);
        assertFalse(pair.sealer().seal(inner, 4, out));
        assertEquals(written, out.position(), "nothing written");
        assertEquals(0, inner.position());
        assertEquals(1, pair.sealer().packets());
    }

    @Test
    void withEsnTheSequenceEndsAt2To64Minus1() {
        EspSuites.Pair pair = EspSuites.pair(EspSuites.gcm256(true), 3, 9, 64);
        ((EspOutbound) pair.sealer()).skipTo(-2L);
        ByteBuffer out = ByteBuffer.allocate(400);
        assertTrue(pair.sealer().seal(ByteBuffer.wrap(new byte[20]), 4, out));
        assertFalse(pair.sealer().seal(ByteBuffer.wrap(new byte[20]), 4, out));
    }

    @Test
    void destroyZeroesAndLaterCallsFail() {
        EspSuites.Pair pair = EspSuites.pair(EspSuites.gcm256(false), 3, 9, 64);
        pair.sealer().destroy();
        pair.opener().destroy();
        ByteBuffer out = ByteBuffer.allocate(200);
        assertThrows(IllegalStateException.class, () -> pair.sealer().seal(ByteBuffer.allocate(4), 4, out));
        assertThrows(IllegalStateException.class, () -> pair.opener().open(ByteBuffer.allocate(60), out));

        EspTransform t = EspSuites.transform(EspSuites.gcm256(false), pair);
        JdkAead aead = (JdkAead) t;
        aead.destroy();
        assertArrayEquals(new byte[12], aead.nonce, "salt zeroed");
    }

    @Test
    void refusesKeysOfTheWrongLength() {
        ChildSuite suite = EspSuites.gcm256(false);
        HostKey shortKey = new HostKey("KEYMAT", new byte[32]);
        assertThrows(IllegalArgumentException.class, () -> EspTransforms.sealer(suite, shortKey, null, 1));
        ChildSuite cbc = new ChildSuite(ProtectionSuite.of(12, 128, 12), null, false);
        HostKey aes = new HostKey("KEYMAT", new byte[16]);
        assertThrows(IllegalArgumentException.class, () -> EspTransforms.opener(cbc, aes, null, 1, 64));
        assertThrows(
                IllegalArgumentException.class,
                () -> EspTransforms.opener(suite, new HostKey("KEYMAT", new byte[36]), null, 1, 33));
    }

    @Test
    void tooSmallOutputIsTheCallersBugNotAPacketsFault() {
        EspSuites.Pair pair = EspSuites.pair(EspSuites.gcm256(false), 3, 9, 64);
        ByteBuffer out = ByteBuffer.allocate(30);
        assertThrows(RuntimeException.class, () -> pair.sealer().seal(ByteBuffer.allocate(20), 4, out));
        assertEquals(0, pair.sealer().packets());
        // An inner packet larger than the plain buffer: dropped as TOO_BIG, the window unmoved.
        byte[] p = seal(pair.sealer(), new byte[100]);
        assertEquals(EspDrop.TOO_BIG.code(), pair.opener().open(ByteBuffer.wrap(p), ByteBuffer.allocate(50)));
        assertEquals(4, pair.opener().open(ByteBuffer.wrap(p), ByteBuffer.allocate(200)));
    }

    static byte[] seal(EspSealer sealer, byte[] inner) {
        ByteBuffer out = ByteBuffer.allocate(inner.length + sealer.maxOverhead());
        assertTrue(sealer.seal(ByteBuffer.wrap(inner), 4, out));
        byte[] p = new byte[out.position()];
        out.flip().get(p);
        return p;
    }

    private static ByteBuffer buffer(boolean direct, int capacity) {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }
}
