package io.ikeseal.agent.protect;

import java.util.Arrays;

import io.ikeseal.agent.protect.SkProtection.OpenedFragment;
import io.ikeseal.agent.wire.IkeHeader;

/**
 * The reassembly of one message in one direction of one IKE SA: verified plaintext pieces by Fragment Number, and
 * which Message IDs it has seen. Not thread-safe; {@link FragmentReassembler} guards it.
 */
final class FragmentSlot {
    private final PeerReassemblyBudget budget;
    private long newestMessageId = -1;
    private long completedMessageId = -1;
    private long messageId = -1;
    private int exchangeType;
    private int flags;
    private long startedNanos;
    private byte[][] pieces;
    private int received;
    private long held;
    private IkeHeader firstHeader;
    private int firstInner;

    FragmentSlot(PeerReassemblyBudget budget) {
        this.budget = budget;
    }

    /** The highest Message ID an authentic fragment carried; fragments below it are of an older message. */
    long newestMessageId() {
        return newestMessageId;
    }

    long completedMessageId() {
        return completedMessageId;
    }

    boolean isReassembling(long id) {
        return pieces != null && messageId == id;
    }

    int total() {
        return pieces.length;
    }

    int received() {
        return received;
    }

    boolean holds(int fragmentNumber) {
        return pieces[fragmentNumber - 1] != null;
    }

    long heldBytes() {
        return held;
    }

    /** Same exchange and flags as what is held: fragments of one message share their header (RFC 7383 §2.5). */
    boolean matches(IkeHeader h) {
        return h.exchangeType() == exchangeType && h.flags() == flags;
    }

    boolean isStale(long now, long timeoutNanos) {
        return pieces != null && now - startedNanos > timeoutNanos;
    }

    /** Drops what is held and starts over for {@code fragment}'s message and total. */
    void restart(long id, OpenedFragment fragment, long now) {
        discard();
        messageId = id;
        newestMessageId = Math.max(newestMessageId, id);
        exchangeType = fragment.header().exchangeType();
        flags = fragment.header().flags();
        startedNanos = now;
        pieces = new byte[fragment.total()][];
    }

    /** Keeps a verified piece whose octets the caller has reserved in the budget. */
    void store(OpenedFragment fragment) {
        pieces[fragment.number() - 1] = fragment.plaintext();
        received++;
        held += fragment.plaintext().length;
        if (fragment.number() == 1) {
            firstHeader = fragment.header();
            firstInner = fragment.firstInner();
        }
    }

    boolean isComplete() {
        return received == pieces.length;
    }

    IkeHeader firstHeader() {
        return firstHeader;
    }

    int firstInner() {
        return firstInner;
    }

    /** The pieces in order as one inner chain; the slot is emptied and remembers the message as completed. */
    byte[] complete() {
        byte[] chain = new byte[Math.toIntExact(held)];
        int at = 0;
        for (byte[] p : pieces) {
            System.arraycopy(p, 0, chain, at, p.length);
            at += p.length;
        }
        completedMessageId = messageId;
        discard();
        return chain;
    }

    /** Wipes and forgets what is held and gives its octets back to the peer's budget. */
    void discard() {
        if (pieces != null) {
            for (byte[] p : pieces) {
                if (p != null) {
                    Arrays.fill(p, (byte) 0);
                }
            }
        }
        budget.release(held);
        pieces = null;
        received = 0;
        held = 0;
        messageId = -1;
        firstHeader = null;
    }
}
