package io.ikeseal.agent.protect;

import java.util.List;
import java.util.function.LongSupplier;

import io.ikeseal.agent.protect.SkProtection.OpenedFragment;
import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;

/**
 * Reassembles the IKE Fragment Messages one IKE SA receives (RFC 7383 §2.6). Requests and responses from the peer
 * are reassembled apart, one message each at a time (the window size of RFC 7296 §2.3 is 1).
 *
 * <p>Checks that cost nothing come first (Total Fragments against the limit, an older Message ID, a smaller total,
 * a duplicate); then every fragment's ICV is verified before it is stored or changes anything, so a forged fragment
 * never restarts, ends or poisons a reassembly. A fragment with a greater Total Fragments restarts it (§2.6); a
 * newer Message ID abandons the older message. Held octets count against the SA's limits and the peer's shared
 * budget; an incomplete reassembly expires after {@link ReassemblyLimits#timeout()}.
 *
 * <p>Synchronized: one SA's datagrams may be handled on different threads.
 */
public final class FragmentReassembler {
    private final SkProtection protection;
    private final ReassemblyLimits limits;
    private final PeerReassemblyBudget budget;
    private final LongSupplier nanoClock;
    /** Made when the first fragment of that direction arrives: most SAs never receive one once established. */
    private FragmentSlot requests;

    private FragmentSlot responses;
    private long expired;

    public FragmentReassembler(SkProtection protection, ReassemblyLimits limits, PeerReassemblyBudget budget) {
        this(protection, limits, budget, System::nanoTime);
    }

    /** With a clock of nanoseconds: tests step it instead of waiting. */
    FragmentReassembler(
            SkProtection protection, ReassemblyLimits limits, PeerReassemblyBudget budget, LongSupplier nanoClock) {
        this.protection = protection;
        this.limits = limits;
        this.budget = budget;
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one received message whose last payload is SKF.
     *
     * @param sealed what the codec made of {@code raw}
     * @param raw    the message's octets as received
     * @throws MalformedMessageException the fragments are authentic but what they carry is malformed (a bad Pad
     *                                   Length, or a bad inner chain once complete): may be answered with
     *                                   INVALID_SYNTAX inside this SA
     */
    public synchronized Reassembly offer(IkeMessage sealed, byte[] raw) throws MalformedMessageException {
        if (!(sealed.payloads().getLast() instanceof EncryptedFragmentPayload skf)) {
            throw new IllegalArgumentException("not an SKF message: " + sealed);
        }
        long now = nanoClock.getAsLong();
        expireStale(now);
        IkeHeader header = sealed.header();
        long messageId = header.messageId();
        if (skf.totalFragments() > limits.maxFragments()) {
            return new Reassembly.Dropped(FragmentDrop.TOO_MANY_FRAGMENTS);
        }
        FragmentSlot slot = slot(header.isResponse());
        if (messageId < slot.newestMessageId()) {
            return new Reassembly.Dropped(FragmentDrop.OLDER_MESSAGE);
        }
        boolean current = slot.isReassembling(messageId);
        if (current && skf.totalFragments() < slot.total()) {
            return new Reassembly.Dropped(FragmentDrop.SMALLER_TOTAL);
        }
        if (current && skf.totalFragments() == slot.total() && slot.holds(skf.fragmentNumber())) {
            return new Reassembly.Dropped(FragmentDrop.DUPLICATE);
        }
        OpenedFragment fragment;
        try {
            fragment = protection.openFragment(sealed, raw);
        } catch (IntegrityException e) {
            return new Reassembly.Dropped(FragmentDrop.INTEGRITY);
        }
        // Authentic from here on: only now may the fragment change the reassembly.
        if (messageId == slot.completedMessageId()) {
            fragment.wipe();
            return new Reassembly.Retransmitted(header, fragment.number());
        }
        if (!current || fragment.total() > slot.total()) {
            slot.restart(messageId, fragment, now);
        } else if (!slot.matches(header)) {
            fragment.wipe();
            return new Reassembly.Dropped(FragmentDrop.CONFLICTING);
        }
        if (slot.heldBytes() + fragment.plaintext().length > limits.maxMessageBytes()) {
            slot.discard();
            fragment.wipe();
            return new Reassembly.Dropped(FragmentDrop.MESSAGE_TOO_LARGE);
        }
        if (!budget.tryReserve(fragment.plaintext().length)) {
            fragment.wipe();
            return new Reassembly.Dropped(FragmentDrop.PEER_BUDGET);
        }
        slot.store(fragment);
        if (!slot.isComplete()) {
            return new Reassembly.Pending(slot.received(), slot.total());
        }
        IkeHeader first = slot.firstHeader();
        int firstInner = slot.firstInner();
        byte[] chain = slot.complete();
        List<IkePayload> inner = protection.decodeInner(first, firstInner, chain);
        return new Reassembly.Complete(new IkeMessage(first, inner));
    }

    private FragmentSlot slot(boolean response) {
        if (response) {
            if (responses == null) {
                responses = new FragmentSlot(budget);
            }
            return responses;
        }
        if (requests == null) {
            requests = new FragmentSlot(budget);
        }
        return requests;
    }

    /** Reassembly slots allocated so far: 0 until a fragment arrives, at most 2 (one per direction). */
    synchronized int slots() {
        return (requests == null ? 0 : 1) + (responses == null ? 0 : 1);
    }

    /** Discards incomplete reassemblies older than the timeout (for a periodic sweep); returns how many. */
    public synchronized int expireStale() {
        return expireStale(nanoClock.getAsLong());
    }

    private int expireStale(long now) {
        int n = 0;
        for (FragmentSlot slot : new FragmentSlot[] {requests, responses}) {
            if (slot != null && slot.isStale(now, limits.timeout().toNanos())) {
                slot.discard();
                n++;
            }
        }
        expired += n;
        return n;
    }

    /** Incomplete reassemblies that expired so far. */
    public synchronized long expiredReassemblies() {
        return expired;
    }

    /** Octets held for incomplete messages. */
    public synchronized long heldBytes() {
        return (requests == null ? 0 : requests.heldBytes()) + (responses == null ? 0 : responses.heldBytes());
    }

    /** Discards everything held and gives it back to the peer's budget: when the IKE SA goes away. */
    public synchronized void clear() {
        for (FragmentSlot slot : new FragmentSlot[] {requests, responses}) {
            if (slot != null) {
                slot.discard();
            }
        }
    }
}
