package io.ikeseal.agent.ts;

import static io.ikeseal.agent.ts.RandomSelectors.and;
import static io.ikeseal.agent.ts.RandomSelectors.ofFamily;
import static io.ikeseal.agent.ts.RandomSelectors.packets;
import static io.ikeseal.agent.ts.RandomSelectors.subset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import io.ikeseal.agent.ts.NarrowingResult.Accepted;
import io.ikeseal.agent.ts.NarrowingResult.Rule;
import io.ikeseal.agent.ts.NarrowingResult.Unacceptable;

/**
 * Randomised narrowing against the packet oracle of {@link RandomSelectors}: the answer is always within the
 * proposal and the chosen policy, it is the whole of that policy's share, TS_UNACCEPTABLE comes exactly when no
 * policy shares anything, §2.9's rules pick the policy, ADDITIONAL_TS_POSSIBLE is said exactly when another policy
 * would have taken more, and the initiator accepts every answer and refuses every widened one. Seeded per
 * repetition; the seed is in every failure message.
 */
class NarrowingPropertiesTest {
    private static final long BASE_SEED = 0xA11077EDL;
    /** How often each outcome came up, so the properties cannot pass by never meeting a case. */
    private static final Map<String, Integer> SEEN = new ConcurrentHashMap<>();

    /** One policy's share of a proposal, by the oracle: per family on both sides, (TSi ∩ remote, TSr ∩ local). */
    private record Share(int index, Set<AddressFamily> families, BitSet tsi, BitSet tsr) {
        static Share of(int index, TsPolicy p, BitSet wantedI, BitSet wantedR) {
            BitSet i = and(wantedI, packets(p.remote()));
            BitSet r = and(wantedR, packets(p.local()));
            Set<AddressFamily> f = EnumSet.noneOf(AddressFamily.class);
            BitSet si = new BitSet();
            BitSet sr = new BitSet();
            for (AddressFamily fam : AddressFamily.values()) {
                if (!ofFamily(i, fam).isEmpty() && !ofFamily(r, fam).isEmpty()) {
                    f.add(fam);
                    si.or(ofFamily(i, fam));
                    sr.or(ofFamily(r, fam));
                }
            }
            return new Share(index, f, si, sr);
        }

        boolean within(BitSet answerI, BitSet answerR) {
            return subset(tsi, answerI) && subset(tsr, answerR);
        }
    }

    @RepeatedTest(400)
    void narrowingMatchesTheOracle(RepetitionInfo rep) {
        long seed = BASE_SEED + rep.getCurrentRepetition();
        RandomSelectors r = new RandomSelectors(seed);
        TsPair proposal = r.proposal();
        List<TsPolicy> policies = new ArrayList<>();
        for (int n = rep.getCurrentRepetition() % 2 == 0 ? 1 : 1 + r.rnd.nextInt(4); n > 0; n--) {
            policies.add(r.policy());
        }
        String what = "seed " + seed + ": " + proposal + " against " + policies;

        // what could carry traffic at all: families on both sides of the proposal
        Set<AddressFamily> common = proposal.commonFamilies();
        BitSet wantedI = familiesOf(packets(proposal.tsi()), common);
        BitSet wantedR = familiesOf(packets(proposal.tsr()), common);
        List<Share> acceptable = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            Share s = Share.of(i, policies.get(i), wantedI, wantedR);
            if (!s.families.isEmpty()) {
                acceptable.add(s);
            }
        }

        NarrowingResult result = Narrowing.respond(proposal, policies);
        if (acceptable.isEmpty()) {
            assertInstanceOf(Unacceptable.class, result, what);
            SEEN.merge("TS_UNACCEPTABLE", 1, Integer::sum);
            return;
        }
        Accepted a = assertInstanceOf(Accepted.class, result, what);
        TsPolicy chosen = policies.get(a.policyIndex());
        BitSet answerI = packets(a.selectors().tsi());
        BitSet answerR = packets(a.selectors().tsr());
        what += " -> " + a;

        // within the proposal and the chosen policy, and all of that policy's share
        assertTrue(subset(answerI, packets(proposal.tsi())) && subset(answerR, packets(proposal.tsr())), what);
        assertTrue(subset(answerI, packets(chosen.remote())) && subset(answerR, packets(chosen.local())), what);
        Share share = acceptable.stream()
                .filter(s -> s.index == a.policyIndex())
                .findFirst()
                .orElseThrow();
        assertEquals(share.tsi, answerI, what + ": TSi is the policy's whole share");
        assertEquals(share.tsr, answerR, what + ": TSr is the policy's whole share");
        assertEquals(
                SelectorSets.families(a.selectors().tsi()),
                SelectorSets.families(a.selectors().tsr()),
                what);

        // §2.9's rules, in order
        Share expected = null;
        Rule rule = null;
        for (Share s : acceptable) {
            TsPolicy p = policies.get(s.index);
            if (expected == null && subset(wantedI, packets(p.remote())) && subset(wantedR, packets(p.local()))) {
                expected = s;
                rule = Rule.ENTIRE_PROPOSAL;
            }
        }
        Selector firstI = proposal.tsi().getFirst();
        Selector firstR = proposal.tsr().getFirst();
        boolean firstPair = firstI.family() == firstR.family();
        for (Share s : acceptable) {
            TsPolicy p = policies.get(s.index);
            if (expected == null
                    && firstPair
                    && subset(packets(firstI), packets(p.remote()))
                    && subset(packets(firstR), packets(p.local()))) {
                expected = s;
                rule = Rule.FIRST_SELECTORS;
            }
        }
        for (Share s : acceptable) {
            if (expected == null
                    && firstPair
                    && !and(s.tsi, packets(firstI)).isEmpty()
                    && !and(s.tsr, packets(firstR)).isEmpty()) {
                expected = s;
                rule = Rule.ACCEPTABLE_SUBSET;
            }
        }
        if (expected == null) {
            expected = acceptable.getFirst();
            rule = Rule.ACCEPTABLE_SUBSET;
        }
        assertEquals(expected.index, a.policyIndex(), what);
        assertEquals(rule, a.rule(), what);

        // ADDITIONAL_TS_POSSIBLE exactly when another policy's share lies outside the answer
        boolean additional = acceptable.stream().anyMatch(s -> !s.within(answerI, answerR));
        assertEquals(additional, a.additionalTsPossible(), what);
        SEEN.merge(rule.name(), 1, Integer::sum);
        SEEN.merge("additional " + additional, 1, Integer::sum);

        // the initiator accepts the answer, narrowed unless it is all it asked for
        InitiatorOutcome.Accepted back =
                assertInstanceOf(InitiatorOutcome.Accepted.class, InitiatorCheck.check(proposal, a.selectors()), what);
        assertEquals(a.selectors(), back.selectors(), what);
        assertEquals(!(answerI.equals(wantedI) && answerR.equals(wantedR)), back.narrowed(), what);

        // ... and refuses it widened by a selector outside the proposal
        Selector extra = r.selector();
        boolean onTsi = r.rnd.nextBoolean();
        List<Selector> side =
                new ArrayList<>(onTsi ? a.selectors().tsi() : a.selectors().tsr());
        if (side.size() < 255) {
            side.add(extra);
            TsPair widened = onTsi
                    ? new TsPair(side, a.selectors().tsr())
                    : new TsPair(a.selectors().tsi(), side);
            boolean outside = !subset(packets(extra), packets(onTsi ? proposal.tsi() : proposal.tsr()));
            InitiatorOutcome o = InitiatorCheck.check(proposal, widened);
            SEEN.merge("widened " + outside, 1, Integer::sum);
            assertEquals(
                    outside,
                    o instanceof InitiatorOutcome.Rejected rej
                            && rej.problem() == InitiatorOutcome.Problem.WIDER_THAN_PROPOSED,
                    what + " widened by " + extra);
        }
    }

    @AfterAll
    static void everyOutcomeCameUp() {
        for (String k : List.of(
                "TS_UNACCEPTABLE",
                "ENTIRE_PROPOSAL",
                "FIRST_SELECTORS",
                "ACCEPTABLE_SUBSET",
                "additional true",
                "additional false",
                "widened true",
                "widened false")) {
            assertTrue(SEEN.getOrDefault(k, 0) >= 10, () -> k + " came up too rarely: " + SEEN);
        }
    }

    private static BitSet familiesOf(BitSet packets, Set<AddressFamily> families) {
        BitSet out = new BitSet();
        for (AddressFamily f : families) {
            out.or(ofFamily(packets, f));
        }
        return out;
    }
}
