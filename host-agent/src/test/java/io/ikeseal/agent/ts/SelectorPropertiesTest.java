package io.ikeseal.agent.ts;

import static io.ikeseal.agent.ts.RandomSelectors.packets;
import static io.ikeseal.agent.ts.RandomSelectors.subset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Randomised properties of the selector algebra against the packet oracle of {@link RandomSelectors}. Each
 * repetition has its own seed, named in failure messages, so a failure can be replayed.
 */
class SelectorPropertiesTest {
    private static final long BASE_SEED = 0x75E1EC7L;

    @RepeatedTest(300)
    void notationAndWireRoundTrip(RepetitionInfo rep) {
        RandomSelectors r = random(rep, 1);
        for (int i = 0; i < 20; i++) {
            Selector s = i % 2 == 0 ? r.wild() : r.selector();
            String text = s.toString();
            if (configurable(s)) {
                assertEquals(
                        s,
                        ((ConfiguredSelector.Fixed) ConfiguredSelector.parse(text)).selector(),
                        () -> "seed " + seed(rep, 1) + ": " + text);
            } else { // what a peer may send but a user may not write is refused, never read as something else
                assertThrows(
                        SelectorSyntaxException.class,
                        () -> ConfiguredSelector.parse(text),
                        () -> "seed " + seed(rep, 1) + ": " + text);
            }
            assertEquals(s, Selector.fromWire(s.toWire()), () -> "seed " + seed(rep, 1) + ": " + text);
        }
    }

    /** Ports only on protocols that have them (§3.13.1), and each ICMP with its own family. */
    private static boolean configurable(Selector s) {
        if (IpProtocol.portKind(s.protocol()) == IpProtocol.PortKind.NONE && !s.isAnyPort()) {
            return false;
        }
        return !((s.protocol() == IpProtocol.ICMP && s.family() == AddressFamily.IPV6)
                || (s.protocol() == IpProtocol.IPV6_ICMP && s.family() == AddressFamily.IPV4));
    }

    @RepeatedTest(300)
    void intersectionAndSubsetMatchTheOracle(RepetitionInfo rep) {
        RandomSelectors r = random(rep, 2);
        for (int i = 0; i < 20; i++) {
            Selector a = r.selector();
            Selector b = r.selector(r.rnd.nextInt(8) == 0 ? AddressFamily.IPV6 : a.family());
            String what = "seed " + seed(rep, 2) + ": " + a + " ∩ " + b;
            BitSet both = RandomSelectors.and(packets(a), packets(b));
            assertEquals(both, a.intersect(b).map(RandomSelectors::packets).orElse(new BitSet()), what);
            assertEquals(a.intersect(b), b.intersect(a), what);
            assertEquals(subset(packets(b), packets(a)), a.contains(b), what + ": contains");
        }
    }

    @RepeatedTest(300)
    void coverageAndNormalizationMatchTheOracle(RepetitionInfo rep) {
        RandomSelectors r = random(rep, 3);
        List<Selector> set = r.list(1, 8);
        BitSet union = packets(set);
        for (int i = 0; i < 10; i++) {
            Selector s = r.selector();
            assertEquals(
                    subset(packets(s), union),
                    SelectorSets.covers(set, s),
                    () -> "seed " + seed(rep, 3) + ": " + SelectorSets.format(set) + " covers " + s);
        }
        List<Selector> n = SelectorSets.normalize(set);
        String what = "seed " + seed(rep, 3) + ": " + SelectorSets.format(set) + " -> " + SelectorSets.format(n);
        assertEquals(union, packets(n), what);
        assertTrue(n.size() <= set.size(), what);
        for (int i = 0; i < n.size(); i++) {
            for (int j = 0; j < n.size(); j++) {
                assertFalse(i != j && n.get(i).contains(n.get(j)), what + ": one inside another");
            }
        }
        assertEquals(n, SelectorSets.normalize(n), what + ": normalizing twice");
    }

    private static RandomSelectors random(RepetitionInfo rep, int property) {
        return new RandomSelectors(seed(rep, property));
    }

    static long seed(RepetitionInfo rep, int property) {
        return BASE_SEED * 31 * property + rep.getCurrentRepetition();
    }
}
