package io.ikeseal.agent.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadType;

/** Receiving side of RFC 7383 §2.6 against duplicates, odd totals, old messages, budgets, time and forgeries. */
class FragmentReassemblerTest {
    private static final ProtectionSuite SUITE = ProtectionSuite.of(20, 256, 0);
    /** 5 fragments at {@link #SIZE}: pieces of 189 octets for 4 Nonces of 191. */
    private static final List<IkePayload> INNER = List.of(
            new NoncePayload(new byte[191]),
            new NoncePayload(filled(191, 1)),
            new NoncePayload(filled(191, 2)),
            new NoncePayload(filled(191, 3)));

    private static final FragmentSize SIZE = new FragmentSize(250);
    private static final long SECOND = 1_000_000_000L;

    private final SkProtection peer = Suites.loopback(SUITE, 40);
    private final SkProtection forger = Suites.loopback(SUITE, 41);
    private final AtomicLong clock = new AtomicLong();
    private final PeerReassemblyBudget budget = new PeerReassemblyBudget();
    private final FragmentReassembler r = reassembler(peer, ReassemblyLimits.DEFAULT, budget);

    private FragmentReassembler reassembler(SkProtection p, ReassemblyLimits limits, PeerReassemblyBudget b) {
        return new FragmentReassembler(p, limits, b, clock::get);
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    private static IkeHeader request(long messageId) {
        return IkeHeader.of(0xa1a2a3a4a5a6a7a8L, 0xb1b2b3b4b5b6b7b8L, ExchangeType.IKE_AUTH, true, false, messageId);
    }

    private static IkeHeader response(long messageId) {
        return IkeHeader.of(0xa1a2a3a4a5a6a7a8L, 0xb1b2b3b4b5b6b7b8L, ExchangeType.IKE_AUTH, false, true, messageId);
    }

    private List<byte[]> fragments(SkProtection sender, IkeHeader header, FragmentSize size) {
        return sender.protectFragments(header, INNER, size);
    }

    private static Reassembly offer(FragmentReassembler to, byte[] raw) throws MalformedMessageException {
        return to.offer(IkeMessageCodec.decode(raw), raw);
    }

    private static void assertDropped(FragmentDrop reason, Reassembly r) {
        assertEquals(new Reassembly.Dropped(reason), r);
    }

    private static void assertComplete(Reassembly r) {
        IkeMessage m = assertInstanceOf(Reassembly.Complete.class, r).message();
        assertEquals(Suites.encoded(INNER), Suites.encoded(m.payloads()));
    }

    private void offerAll(FragmentReassembler to, List<byte[]> fragments) throws MalformedMessageException {
        Reassembly last = null;
        for (byte[] f : fragments) {
            last = offer(to, f);
        }
        assertComplete(last);
    }

    @Test
    void slotsAreMadeWhenAFragmentOfTheirDirectionArrivesAtMostOneEach() throws Exception {
        assertEquals(0, r.slots(), "an SA that never receives a fragment keeps no reassembly slot");
        r.expireStale();
        r.clear();
        assertEquals(0, r.heldBytes());
        assertEquals(0, r.slots());
        offerAll(r, fragments(peer, request(1), SIZE));
        assertEquals(1, r.slots());
        offerAll(r, fragments(peer, request(2), SIZE));
        assertEquals(1, r.slots(), "one slot per direction, reused");
        offerAll(r, fragments(peer, response(2), SIZE));
        assertEquals(2, r.slots());
        assertDropped(
                FragmentDrop.OLDER_MESSAGE,
                offer(r, fragments(peer, request(1), SIZE).get(0)));
        assertEquals(2, r.slots());
    }

    @Test
    void duplicatesAreIgnored() throws Exception {
        List<byte[]> f = fragments(peer, request(1), SIZE);
        assertEquals(new Reassembly.Pending(1, 5), offer(r, f.get(0)));
        assertDropped(FragmentDrop.DUPLICATE, offer(r, f.get(0)));
        assertEquals(new Reassembly.Pending(2, 5), offer(r, f.get(3)));
        assertDropped(FragmentDrop.DUPLICATE, offer(r, f.get(3)));
        offerAll(r, List.of(f.get(1), f.get(2), f.get(4)));
        assertEquals(0, budget.reserved());
    }

    @Test
    void numbersOutOfRangeNeverReachTheReassembler() throws Exception {
        byte[] raw = fragments(peer, request(1), SIZE).get(1);
        // Fragment Number at octets 32-33, Total Fragments at 34-35 (after the IKE and SKF generic headers).
        for (int[] numbers : new int[][] {{0, 5}, {6, 5}, {2, 0}}) {
            byte[] bad = raw.clone();
            bad[33] = (byte) numbers[0];
            bad[35] = (byte) numbers[1];
            MalformedMessageException e =
                    assertThrows(MalformedMessageException.class, () -> IkeMessageCodec.decode(bad));
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType()); // unauthenticated: the transport drops it
        }
        FragmentReassembler few = reassembler(peer, new ReassemblyLimits(4, 32_768, Duration.ofSeconds(30)), budget);
        for (byte[] f : fragments(peer, request(1), SIZE)) {
            assertDropped(FragmentDrop.TOO_MANY_FRAGMENTS, offer(few, f));
        }
        assertEquals(0, peer.integrityFailures(), "refused before any crypto");
    }

    @Test
    void aGreaterTotalRestartsAndASmallerOneIsDropped() throws Exception {
        List<byte[]> five = fragments(peer, request(1), SIZE);
        List<byte[]> more = fragments(peer, request(1), new FragmentSize(150)); // §2.5.2: resent smaller
        assertEquals(9, more.size()); // pieces of 89 octets
        offer(r, five.get(0));
        offer(r, five.get(1));
        assertEquals(new Reassembly.Pending(1, 9), offer(r, more.get(4)));
        assertDropped(FragmentDrop.SMALLER_TOTAL, offer(r, five.get(2)));
        for (byte[] f : more.subList(0, 4)) {
            offer(r, f);
        }
        offerAll(r, more.subList(5, 9));
        assertEquals(0, budget.reserved());
    }

    @Test
    void incompleteReassembliesExpire() throws Exception {
        List<byte[]> f = fragments(peer, request(1), SIZE);
        offer(r, f.get(0));
        offer(r, f.get(1));
        clock.addAndGet(29 * SECOND);
        assertEquals(0, r.expireStale());
        clock.addAndGet(2 * SECOND);
        assertEquals(1, r.expireStale());
        assertEquals(0, r.heldBytes());
        assertEquals(0, budget.reserved());
        assertEquals(1, r.expiredReassemblies());
        // What was held is gone: the rest alone does not complete, the peer's retransmission does.
        assertEquals(new Reassembly.Pending(3, 5), offerEach(f.subList(2, 5)));
        offer(r, f.get(0));
        clock.addAndGet(31 * SECOND); // expired lazily by the next offer
        assertEquals(new Reassembly.Pending(1, 5), offer(r, f.get(1)));
        assertEquals(2, r.expiredReassemblies());
        offerAll(r, List.of(f.get(0), f.get(2), f.get(3), f.get(4)));
    }

    private Reassembly offerEach(List<byte[]> fs) throws MalformedMessageException {
        Reassembly last = null;
        for (byte[] f : fs) {
            last = offer(r, f);
        }
        return last;
    }

    @Test
    void aMessageOverTheSizeLimitIsAbandoned() throws Exception {
        FragmentReassembler small = reassembler(peer, new ReassemblyLimits(64, 500, Duration.ofSeconds(30)), budget);
        List<byte[]> f = fragments(peer, request(1), SIZE);
        assertEquals(new Reassembly.Pending(1, 5), offer(small, f.get(0)));
        assertEquals(new Reassembly.Pending(2, 5), offer(small, f.get(1)));
        assertDropped(FragmentDrop.MESSAGE_TOO_LARGE, offer(small, f.get(2))); // 3 x 189 > 500
        assertEquals(0, small.heldBytes());
        assertEquals(0, budget.reserved());
        assertEquals(new Reassembly.Pending(1, 5), offer(small, f.get(3)), "starts over, never completes");
    }

    @Test
    void thePeersBudgetIsSharedByItsSas() throws Exception {
        PeerReassemblyBudget shared = new PeerReassemblyBudget(1000);
        SkProtection otherSa = Suites.loopback(SUITE, 42);
        FragmentReassembler sa1 = reassembler(peer, ReassemblyLimits.DEFAULT, shared);
        FragmentReassembler sa2 = reassembler(otherSa, ReassemblyLimits.DEFAULT, shared);
        List<byte[]> f1 = fragments(peer, request(1), SIZE);
        List<byte[]> f2 = fragments(otherSa, request(1), SIZE);
        for (int i = 0; i < 4; i++) {
            offer(sa1, f1.get(i));
        }
        assertEquals(4 * 189, shared.reserved());
        assertEquals(new Reassembly.Pending(1, 5), offer(sa2, f2.get(0)));
        assertDropped(FragmentDrop.PEER_BUDGET, offer(sa2, f2.get(1)));
        sa1.clear(); // SA 1 deleted
        assertEquals(189, shared.reserved());
        offerAll(sa2, f2.subList(1, 5));
        assertEquals(0, shared.reserved());
    }

    @Test
    void forgedFragmentsDoNotStopTheGoodMessage() throws Exception {
        List<byte[]> good = fragments(peer, request(1), SIZE);
        byte[] flipped = good.get(1).clone();
        flipped[60] ^= 1;
        List<byte[]> wrongKey = fragments(forger, request(1), SIZE);
        List<byte[]> wrongKeyMoreFragments = fragments(forger, request(1), new FragmentSize(150));
        List<byte[]> wrongKeyNewerMessage = fragments(forger, request(2), SIZE);

        assertEquals(new Reassembly.Pending(1, 5), offer(r, good.get(0)));
        assertDropped(FragmentDrop.INTEGRITY, offer(r, flipped)); // before the real fragment 2
        assertDropped(FragmentDrop.INTEGRITY, offer(r, wrongKey.get(2)));
        assertDropped(FragmentDrop.INTEGRITY, offer(r, wrongKeyMoreFragments.get(0))); // would restart
        assertDropped(FragmentDrop.INTEGRITY, offer(r, wrongKeyNewerMessage.get(0))); // would abandon
        assertDropped(FragmentDrop.DUPLICATE, offer(r, wrongKey.get(0))); // cannot replace a stored fragment
        assertEquals(new Reassembly.Pending(2, 5), offer(r, good.get(1)));
        offerAll(r, good.subList(2, 5));
        assertEquals(4, peer.integrityFailures());
    }

    @Test
    void olderMessagesAndRetransmissions() throws Exception {
        offerAll(r, fragments(peer, request(5), SIZE));
        assertDropped(
                FragmentDrop.OLDER_MESSAGE,
                offer(r, fragments(peer, request(4), SIZE).get(0)));
        byte[] again = fragments(peer, request(5), SIZE).get(0);
        Reassembly.Retransmitted re = assertInstanceOf(Reassembly.Retransmitted.class, offer(r, again));
        assertEquals(5, re.header().messageId());
        assertEquals(1, re.fragmentNumber());
        assertDropped(
                FragmentDrop.INTEGRITY,
                offer(r, fragments(forger, request(5), SIZE).get(0)));

        // A newer message abandons an incomplete older one once it is authentic.
        List<byte[]> six = fragments(peer, request(6), SIZE);
        offer(r, six.get(0));
        offer(r, six.get(1));
        offer(r, fragments(peer, request(7), SIZE).get(0));
        assertEquals(189, r.heldBytes());
        assertDropped(FragmentDrop.OLDER_MESSAGE, offer(r, six.get(2)));
    }

    @Test
    void requestsAndResponsesReassembleApart() throws Exception {
        List<byte[]> req = fragments(peer, request(3), SIZE);
        List<byte[]> resp = fragments(peer, response(8), SIZE);
        Reassembly lastReq = null;
        Reassembly lastResp = null;
        for (int i = 0; i < 5; i++) {
            lastReq = offer(r, req.get(i));
            lastResp = offer(r, resp.get(4 - i));
        }
        assertComplete(lastReq);
        assertComplete(lastResp);
        IkeMessage m = ((Reassembly.Complete) lastResp).message();
        assertEquals(8, m.header().messageId());
        assertTrue(m.header().isResponse());
    }

    @Test
    void conflictingHeadersForOneMessageIdAreDropped() throws Exception {
        List<byte[]> f = fragments(peer, request(1), SIZE);
        IkeHeader other =
                IkeHeader.of(0xa1a2a3a4a5a6a7a8L, 0xb1b2b3b4b5b6b7b8L, ExchangeType.CREATE_CHILD_SA, true, false, 1);
        offer(r, f.get(0));
        assertDropped(
                FragmentDrop.CONFLICTING,
                offer(r, peer.protectFragments(other, INNER, SIZE).get(1)));
        offerAll(r, f.subList(1, 5));
    }

    @Test
    void authenticFragmentsOfAMalformedMessageAreInvalidSyntax() throws Exception {
        Suites.Keyed k = Suites.keyed(SUITE, 43);
        SkCipher sender = k.cipher();
        SkProtection receiver = k.protection();
        FragmentReassembler to = reassembler(receiver, ReassemblyLimits.DEFAULT, budget);
        // Two pieces that concatenate to a Nonce payload whose length field overshoots the chain.
        byte[] first =
                SealedMessages.skf(sender, request(1), PayloadType.NONCE.code(), 1, 2, new byte[] {0, 0, 0x01, 0});
        byte[] second = SealedMessages.skf(sender, request(1), 0, 2, 2, new byte[20]);
        assertEquals(new Reassembly.Pending(1, 2), offer(to, first));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> offer(to, second));
        assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        assertEquals(1, e.header().messageId());
        assertEquals(0, to.heldBytes());
        assertEquals(0, budget.reserved());

        // A Pad Length beyond a fragment's plaintext, under a valid ICV.
        byte[] fine = SealedMessages.skf(sender, request(2), PayloadType.NONCE.code(), 1, 2, new byte[4]);
        assertEquals(new Reassembly.Pending(1, 2), offer(to, fine));
        e = assertThrows(MalformedMessageException.class, () -> offer(to, badPadFragment(sender, request(2))));
        assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        assertEquals(0, receiver.integrityFailures());
    }

    /** Fragment 2 of 2 whose plaintext ends in a Pad Length of 100 for 8 octets, under a valid ICV. */
    private static byte[] badPadFragment(SkCipher sender, IkeHeader header) {
        byte[] template = SealedMessages.skf(sender, header, 0, 2, 2, new byte[7]); // content for 8 padded octets
        int ad = template.length - sender.contentLength(7);
        byte[] padded = new byte[8];
        padded[7] = 100;
        byte[] content = sender.sealPadded(Arrays.copyOf(template, ad), padded);
        System.arraycopy(content, 0, template, ad, content.length);
        return template;
    }
}
