package io.ikeseal.agent.esp;

import java.util.Arrays;

/**
 * The receiver's anti-replay window of one inbound SA (RFC 4303 §3.4.3, Appendix A): the highest sequence number
 * authenticated so far and a bitmap of which of the {@link #size()} numbers up to it were seen. With ESN the high
 * 32 bits never travel; {@link #extend} infers them from the low 32 bits and the window (Appendix A2.2).
 *
 * <p>Use: {@link #extend} and {@link #isFresh} before the ICV is checked (cheap rejection of replays), and
 * {@link #accept} only after the ICV verified (§3.4.3: the window must not move for forged packets).
 *
 * <p>The bitmap is a ring of 64-bit words indexed by sequence number, one word larger than the window so the word
 * of the top number never aliases a word still inside the window; words are cleared as the top moves past them
 * (the layout of RFC 6479 §2), so a jump costs at most one pass over the ring. One thread at a time.
 */
final class ReplayWindow {
    /** The largest window accepted: 2^16 packets, 8 KiB of bitmap. */
    static final int MAX_SIZE = 65536;

    private final int size;
    private final boolean esn;
    private final long[] ring;
    private final int wordMask;
    /** The highest sequence number accepted (64 bits with ESN); 0 before the first packet. */
    private long top;

    /**
     * @param size packets in the window: 0 (no replay check, RFC 4303 §3.4.3 lets a receiver disable it) or a
     *     multiple of 32 up to {@link #MAX_SIZE}
     * @param esn  whether the SA uses extended sequence numbers (RFC 4304)
     */
    ReplayWindow(int size, boolean esn) {
        if (size < 0 || size > MAX_SIZE || size % 32 != 0) {
            throw new IllegalArgumentException("a replay window is 0 or a multiple of 32 up to " + MAX_SIZE);
        }
        this.size = size;
        this.esn = esn;
        int need = (size + 63) / 64 + 1; // the window's words plus the top's
        this.ring = new long[size == 0 ? 1 : Integer.highestOneBit(need * 2 - 1)]; // rounded up to a power of two
        this.wordMask = ring.length - 1;
    }

    int size() {
        return size;
    }

    /** The highest sequence number accepted so far. */
    long top() {
        return top;
    }

    /**
     * The full sequence number of a packet carrying {@code low} on the wire. Without ESN that is {@code low}. With
     * ESN, the high half is the top's, or one more when the low half lies right of the window in the next 2^32
     * subspace, or one less when the window straddles a subspace boundary and {@code low} lies in its older part
     * (RFC 4303 Appendix A2.2). Without a window, the candidate closest to the top is taken (as with a window of
     * 2^31).
     */
    long extend(int low) {
        long seqL = low & 0xFFFFFFFFL;
        if (!esn) {
            return seqL;
        }
        long w = size == 0 ? 1L << 31 : size;
        long tl = top & 0xFFFFFFFFL;
        long th = top >>> 32;
        long seqH;
        if (tl >= w - 1) {
            // Case A: the window lies within one subspace.
            seqH = seqL >= tl - w + 1 ? th : th + 1;
        } else {
            // Case B: the window's bottom is in the previous subspace (th > 0) or below 0.
            seqH = seqL >= tl - w + 1 + (1L << 32) ? th - 1 : th;
            if (seqH < 0) {
                seqH = 0; // no subspace before the first: the number is simply old
            }
        }
        return (seqH << 32) | seqL;
    }

    /** Whether {@code seq} (from {@link #extend}) is right of the window or inside it and not yet seen. */
    boolean isFresh(long seq) {
        if (seq == 0) {
            return false; // sequence numbers start at 1 (RFC 4303 §3.3.3)
        }
        if (size == 0 || Long.compareUnsigned(seq, top) > 0) {
            return true;
        }
        long behind = top - seq;
        if (behind >= size) {
            return false;
        }
        return (ring[word(seq)] & bit(seq)) == 0;
    }

    /** Records {@code seq} as received, moving the window's top if it lies right of it. Only after the ICV. */
    void accept(long seq) {
        if (size == 0) {
            if (Long.compareUnsigned(seq, top) > 0) {
                top = seq; // still tracked: ESN's high half is inferred from it
            }
            return;
        }
        if (Long.compareUnsigned(seq, top) > 0) {
            long firstWord = (top >>> 6) + 1;
            long lastWord = seq >>> 6;
            long words = lastWord - firstWord + 1;
            if (Long.compareUnsigned(words, ring.length) >= 0) {
                Arrays.fill(ring, 0L);
            } else {
                for (long i = firstWord; i <= lastWord; i++) {
                    ring[(int) (i & wordMask)] = 0L;
                }
            }
            top = seq;
        } else if (top - seq >= size) {
            return; // left of the window: isFresh refused it already
        }
        ring[word(seq)] |= bit(seq);
    }

    private int word(long seq) {
        return (int) ((seq >>> 6) & wordMask);
    }

    private static long bit(long seq) {
        return 1L << (seq & 63);
    }
}
