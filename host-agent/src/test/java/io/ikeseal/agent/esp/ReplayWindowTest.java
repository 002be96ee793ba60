package io.ikeseal.agent.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** RFC 4303 §3.4.3 and Appendix A: the receiver's window, with and without ESN. */
class ReplayWindowTest {

    /** The window's checks before the ICV and its update after it, as the opener does. */
    private static boolean receive(ReplayWindow w, long seq) {
        long full = w.extend((int) seq);
        if (!w.isFresh(full)) {
            return false;
        }
        w.accept(full);
        return true;
    }

    @Test
    void inOrderAndDuplicates() {
        ReplayWindow w = new ReplayWindow(64, false);
        assertFalse(receive(w, 0), "0 is never sent");
        for (long s = 1; s <= 200; s++) {
            assertTrue(receive(w, s), "" + s);
            assertFalse(receive(w, s), "duplicate " + s);
        }
        assertEquals(200, w.top());
    }

    @Test
    void outOfOrderWithinTheWindowAndLeftOfIt() {
        ReplayWindow w = new ReplayWindow(64, false);
        assertTrue(receive(w, 100));
        assertTrue(receive(w, 99));
        assertFalse(receive(w, 99));
        assertTrue(receive(w, 37), "the window's left edge: 100 - 64 + 1");
        assertFalse(receive(w, 36), "left of the window");
        assertFalse(receive(w, 1), "far left of the window");
        assertTrue(receive(w, 60));
        assertTrue(receive(w, 164), "moves the window by 64");
        assertFalse(receive(w, 100), "now left of it");
        assertTrue(receive(w, 101));
        assertFalse(receive(w, 164));
    }

    @Test
    void checkingAloneDoesNotMoveTheWindow() {
        ReplayWindow w = new ReplayWindow(32, false);
        assertTrue(receive(w, 10));
        long forged = w.extend(1000);
        assertTrue(w.isFresh(forged)); // the ICV then fails: accept() is never called
        assertEquals(10, w.top());
        assertTrue(receive(w, 9));
    }

    @Test
    void farJumpForgetsEverything() {
        ReplayWindow w = new ReplayWindow(1024, false);
        for (long s = 1; s <= 1024; s++) {
            assertTrue(receive(w, s));
        }
        assertTrue(receive(w, 1_000_000));
        assertFalse(receive(w, 1024));
        assertFalse(receive(w, 1_000_000 - 1024));
        for (long s = 1_000_000 - 1023; s < 1_000_000; s++) {
            assertTrue(receive(w, s), "" + s);
        }
    }

    @Test
    void sizesThatAreNoPowerOfTwo() {
        for (int size : new int[] {32, 96, 160, 480, 65536}) {
            ReplayWindow w = new ReplayWindow(size, false);
            assertTrue(receive(w, 200_000));
            assertTrue(receive(w, 200_000 - size + 1), size + ": left edge");
            assertFalse(receive(w, 200_000 - size), size + ": left of the window");
            // Walk the top forward past several ring words: in-window bits survive the clearing of words.
            long previous = 200_000;
            for (long top = 200_001; top < 200_000 + 3L * size; top += 7) {
                assertTrue(receive(w, top), size + ": " + top);
                assertFalse(receive(w, previous), size + ": seen " + previous);
                assertFalse(receive(w, top), size + ": seen " + top);
                previous = top;
            }
        }
    }

    /** Against a set of seen numbers: random arrivals around a moving top, the window's answers never differ. */
    @Test
    void agreesWithAModel() {
        Random random = new Random(11);
        for (int size : new int[] {32, 64, 96, 256}) {
            ReplayWindow w = new ReplayWindow(size, false);
            Set<Long> seen = new HashSet<>();
            long top = 0;
            for (int i = 0; i < 20_000; i++) {
                long s = Math.max(1, top + random.nextInt(size * 2 + 40) - size - 20);
                boolean expected = s > top || (top - s < size && !seen.contains(s));
                assertEquals(expected, receive(w, s), size + ": " + s + " with top " + top);
                if (expected) {
                    seen.add(s);
                    top = Math.max(top, s);
                }
            }
        }
    }

    @Test
    void esnCarriesIntoTheNextSubspace() {
        ReplayWindow w = new ReplayWindow(64, true);
        long base = 0xFFFFFFF0L;
        assertTrue(receive(w, base));
        assertEquals(base, w.top());
        assertEquals(0x1_0000_0005L, w.extend(5), "right of the window: the next subspace");
        assertTrue(receive(w, 0x1_0000_0005L));
        assertEquals(0x1_0000_0005L, w.top());
        // The window now straddles the boundary (case B): high low halves belong to the old subspace.
        assertEquals(0xFFFFFFF8L, w.extend(0xFFFFFFF8));
        assertTrue(receive(w, 0xFFFFFFF8L));
        assertFalse(receive(w, 0xFFFFFFF0L), "seen before the wrap");
        assertFalse(receive(w, 0x1_0000_0005L));
        assertTrue(receive(w, 0x1_0000_0001L));
        assertTrue(receive(w, 0x1_0000_0000L), "low half 0 is a valid ESN number");
        // Far right: case A again, in subspace 1.
        assertTrue(receive(w, 0x1_8000_0000L));
        assertEquals(0x1_8000_0000L, w.top());
        assertEquals(0x2_0000_0000L | 3, w.extend(3), "below the window's bottom: the next subspace");
    }

    @Test
    void esnBeforeTheFirstWrapNeverGuessesSubspaceMinusOne() {
        ReplayWindow w = new ReplayWindow(64, true);
        assertTrue(receive(w, 5));
        assertEquals(0xFFFFFFF0L, w.extend(0xFFFFFFF0), "no subspace before 0");
    }

    @Test
    void noWindowAcceptsRepeatsButStillTracksEsn() {
        ReplayWindow w = new ReplayWindow(0, true);
        assertTrue(receive(w, 7));
        assertTrue(receive(w, 7));
        assertTrue(receive(w, 0xFFFFFFFFL));
        assertEquals(0x1_0000_0002L, w.extend(2));
    }

    @Test
    void refusesOddSizes() {
        for (int size : new int[] {-32, 1, 33, 65536 + 32}) {
            assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(size, false), "" + size);
        }
    }
}
