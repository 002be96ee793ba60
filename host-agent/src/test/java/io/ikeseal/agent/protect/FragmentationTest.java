package io.ikeseal.agent.protect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.PayloadType;

/** Sending side of RFC 7383: sizes, numbering, and that what is split reassembles in any order. */
class FragmentationTest {
    private static final IkeHeader REQUEST =
            IkeHeader.of(0x0102030405060708L, 0x1112131415161718L, ExchangeType.IKE_AUTH, true, false, 1);

    static List<ProtectionSuite> suites() {
        return Suites.all();
    }

    @Test
    void defaultSizesOfRfc7383() {
        assertEquals(548, FragmentSize.ipv4Default(false).maxMessageLength());
        assertEquals(544, FragmentSize.ipv4Default(true).maxMessageLength());
        assertEquals(1232, FragmentSize.ipv6Default(false).maxMessageLength());
        assertEquals(1228, FragmentSize.ipv6Default(true).maxMessageLength());
        assertEquals(1472, FragmentSize.forDatagram(1500, false, false).maxMessageLength());
        assertThrows(IllegalArgumentException.class, () -> new FragmentSize(IkeHeader.LENGTH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void fragmentsFitAndReassemble(ProtectionSuite s) throws Exception {
        SkProtection p = Suites.loopback(s, 30);
        List<IkePayload> inner = Suites.randomChain(new Random(31), 30);
        for (FragmentSize size : List.of(
                FragmentSize.ipv4Default(true),
                FragmentSize.ipv4Default(false),
                FragmentSize.ipv6Default(true),
                new FragmentSize(200))) {
            List<byte[]> fragments = p.protectFragments(REQUEST, inner, size);
            assertTrue(fragments.size() > 1, "a test chain longer than one fragment");
            FragmentReassembler r = new FragmentReassembler(p, ReassemblyLimits.DEFAULT, new PeerReassemblyBudget());
            Reassembly last = null;
            for (int i = 0; i < fragments.size(); i++) {
                byte[] raw = fragments.get(i);
                assertTrue(raw.length <= size.maxMessageLength());
                if (i < fragments.size() - 1) {
                    assertTrue(size.maxMessageLength() - raw.length < s.blockSize(), "fragments are filled");
                }
                IkeMessage m = IkeMessageCodec.decode(raw);
                assertEquals(PayloadType.SKF.code(), m.header().nextPayload());
                assertEquals(REQUEST.withLengthAndNext(PayloadType.SKF.code(), raw.length), m.header());
                EncryptedFragmentPayload skf =
                        (EncryptedFragmentPayload) m.payloads().getFirst();
                assertEquals(i + 1, skf.fragmentNumber());
                assertEquals(fragments.size(), skf.totalFragments());
                assertEquals(i == 0 ? inner.getFirst().typeCode() : 0, skf.firstInnerPayload());
                last = r.offer(m, raw);
            }
            IkeMessage whole = assertInstanceOf(Reassembly.Complete.class, last).message();
            assertEquals(Suites.encoded(inner), Suites.encoded(whole.payloads()));
            assertEquals(1, whole.header().messageId());
            assertEquals(0, r.heldBytes());
        }
    }

    /** Every one of the 120 orders of a five-fragment message, for an AEAD and the CBC suite. */
    @Test
    void reassemblesInEveryOrder() throws Exception {
        for (ProtectionSuite s : List.of(ProtectionSuite.of(20, 256, 0), ProtectionSuite.of(12, 256, 14))) {
            SkProtection p = Suites.loopback(s, 32);
            // 780 octets: five pieces of 189 (GCM) or 159 (CBC, HMAC-SHA2-512-256) octets.
            List<IkePayload> inner = List.of(
                    new NoncePayload(new byte[191]),
                    new NoncePayload(new byte[191]),
                    new NoncePayload(new byte[191]),
                    new NoncePayload(new byte[191]));
            List<byte[]> fragments = p.protectFragments(REQUEST, inner, new FragmentSize(250));
            assertEquals(5, fragments.size());
            int orders = 0;
            for (List<Integer> order : permutations(List.of(0, 1, 2, 3, 4))) {
                FragmentReassembler r =
                        new FragmentReassembler(p, ReassemblyLimits.DEFAULT, new PeerReassemblyBudget());
                for (int k = 0; k < 4; k++) {
                    byte[] raw = fragments.get(order.get(k));
                    assertEquals(new Reassembly.Pending(k + 1, 5), r.offer(IkeMessageCodec.decode(raw), raw));
                }
                byte[] raw = fragments.get(order.get(4));
                Reassembly done = r.offer(IkeMessageCodec.decode(raw), raw);
                assertEquals(
                        Suites.encoded(inner),
                        Suites.encoded(assertInstanceOf(Reassembly.Complete.class, done)
                                .message()
                                .payloads()));
                orders++;
            }
            assertEquals(120, orders);
        }
    }

    @Test
    void aMessageThatFitsIsOneFragment() throws Exception {
        SkProtection p = Suites.loopback(ProtectionSuite.of(28, 0, 0), 33);
        List<IkePayload> inner = List.of(new NoncePayload(new byte[32]));
        List<byte[]> one = p.protectFragments(REQUEST, inner, FragmentSize.ipv6Default(false));
        assertEquals(1, one.size());
        FragmentReassembler r = new FragmentReassembler(p, ReassemblyLimits.DEFAULT, new PeerReassemblyBudget());
        assertInstanceOf(Reassembly.Complete.class, r.offer(IkeMessageCodec.decode(one.getFirst()), one.getFirst()));
        assertTrue(p.protectedLength(inner) < FragmentSize.ipv6Default(false).maxMessageLength());
    }

    @Test
    void impossibleFragmentationIsRefused() {
        SkProtection p = Suites.loopback(ProtectionSuite.of(12, 256, 14), 34);
        List<IkePayload> inner = List.of(new NoncePayload(new byte[32]));
        // 28 + 8 + IV 16 + ICV 32 + one block: 100 octets leave no room.
        assertThrows(IllegalArgumentException.class, () -> p.protectFragments(REQUEST, inner, new FragmentSize(90)));
        assertThrows(
                IllegalArgumentException.class,
                () -> p.protectFragments(REQUEST, List.of(), FragmentSize.ipv4Default(false)));
    }

    static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> p = new ArrayList<>(List.of(head));
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }
}
