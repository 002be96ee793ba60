package io.ikeseal.agent.ts;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.ts.NarrowingResult.Accepted;
import io.ikeseal.agent.ts.NarrowingResult.Rule;
import io.ikeseal.agent.ts.NarrowingResult.Unacceptable;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/**
 * The responder's side of traffic selector negotiation (RFC 7296 §2.9): given the initiator's TSi and TSr and the
 * policies of the configured CHILD_SAs, the TSi and TSr to send back, or TS_UNACCEPTABLE.
 *
 * <p>One policy ({@link TsPolicy}: remote × local) is a product, and so is its intersection with the proposal:
 * (TSi × TSr) ∩ (remote × local) = (TSi ∩ remote) × (TSr ∩ local). So within one policy the whole acceptable
 * traffic fits one SA, and that is what this answers: the largest subset, in as few selectors as it can. §2.9's
 * choice between subsets "acceptable but [whose] union is not" arises between policies, each of which wants its
 * own SA; the rules below pick one, and {@link Accepted#additionalTsPossible()} says when another would have taken
 * traffic this one leaves out.
 */
public final class Narrowing {
    private Narrowing() {}

    /**
     * Narrowing of the TSi and TSr payloads as received. Selectors of TS types we do not know were skipped on
     * decode and are ignored, as §2.9 asks; a side left with none is TS_UNACCEPTABLE.
     */
    public static NarrowingResult respond(
            TrafficSelectorPayload tsi, TrafficSelectorPayload tsr, List<TsPolicy> policies) {
        for (TrafficSelectorPayload p : List.of(tsi, tsr)) {
            if (p.selectors().isEmpty()) {
                return new Unacceptable(p.kind().rfcName() + " holds only selectors of TS types we do not know ("
                        + p.unknownSelectors() + ", ignored)");
            }
        }
        return respond(TsPair.fromPayloads(tsi, tsr), policies);
    }

    /** Narrowing against the one policy of a configured CHILD_SA. */
    public static NarrowingResult respond(TsPair proposed, TsPolicy policy) {
        return respond(proposed, List.of(policy));
    }

    /**
     * Narrowing against several policies, in order of preference (configuration order); the answer belongs to one
     * of them.
     */
    public static NarrowingResult respond(TsPair proposed, List<TsPolicy> policies) {
        TsPair wanted = proposed.effective();
        if (wanted == null) {
            return new Unacceptable("no address family on both sides, so no packet can match: " + proposed);
        }
        List<Candidate> acceptable = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            Candidate c = Candidate.of(i, policies.get(i), wanted);
            if (c != null) {
                acceptable.add(c);
            }
        }
        // §2.9 first rule: "does not allow it to accept any part of the proposed Traffic Selectors"
        if (acceptable.isEmpty()) {
            return new Unacceptable("no configured traffic selectors match any of " + proposed);
        }
        Candidate chosen = null;
        Rule rule = null;
        // Second rule: a policy that allows all of it needs no narrowing. The answer is the same traffic as the
        // proposal (minus families only one side has, which carry nothing), normalized.
        for (Candidate c : acceptable) {
            if (SelectorSets.covers(c.policy.remote(), wanted.tsi())
                    && SelectorSets.covers(c.policy.local(), wanted.tsr())) {
                chosen = c;
                rule = Rule.ENTIRE_PROPOSAL;
                break;
            }
        }
        // Third rule: a policy that accepts the first selectors (the triggering packet, when there was one) MUST be
        // answered with a subset that includes them. The candidate's intersection does: they are in the proposal
        // and in the policy.
        Selector firstI = proposed.tsi().getFirst();
        Selector firstR = proposed.tsr().getFirst();
        if (chosen == null && firstI.family() == firstR.family()) {
            for (Candidate c : acceptable) {
                if (SelectorSets.covers(c.policy.remote(), firstI) && SelectorSets.covers(c.policy.local(), firstR)) {
                    chosen = c;
                    rule = Rule.FIRST_SELECTORS;
                    break;
                }
            }
        }
        // Fourth rule: narrow to an acceptable subset. §2.9 leaves the choice open ("arbitrarily chooses one");
        // this prefers a policy that takes part of both first selectors (they may be ranges, the initiator's first
        // choices when no packet triggered the request), then configuration order.
        if (chosen == null) {
            rule = Rule.ACCEPTABLE_SUBSET;
            for (Candidate c : acceptable) {
                if (c.touches(firstI, firstR)) {
                    chosen = c;
                    break;
                }
            }
            if (chosen == null) {
                chosen = acceptable.getFirst();
            }
        }
        TsPair answer = fitPayloads(chosen.tsi, chosen.tsr);
        boolean truncated =
                answer.tsi().size() < chosen.tsi.size() || answer.tsr().size() < chosen.tsr.size();
        // §2.9: ADDITIONAL_TS_POSSIBLE "asserts that the responder narrowed the proposed Traffic Selectors but that
        // other Traffic Selectors would also have been acceptable, though only in a separate SA".
        boolean additional = truncated;
        SelectorSets.Budget budget = new SelectorSets.Budget(SelectorSets.PEER_BUDGET);
        for (Candidate c : acceptable) {
            if (!additional && !c.equals(chosen)) {
                additional = !c.within(answer, budget);
            }
        }
        return new Accepted(chosen.index, answer, rule, additional);
    }

    /**
     * At most 255 selectors fit a TS payload (§3.13). Beyond that keep the first ones, which come from the
     * initiator's first choices, and only families still on both sides.
     */
    private static TsPair fitPayloads(List<Selector> tsi, List<Selector> tsr) {
        int max = TrafficSelectorPayload.MAX_SELECTORS;
        if (tsi.size() <= max && tsr.size() <= max) {
            return new TsPair(tsi, tsr);
        }
        List<Selector> i = tsi.subList(0, Math.min(max, tsi.size()));
        List<Selector> r = tsr.subList(0, Math.min(max, tsr.size()));
        Set<AddressFamily> common = SelectorSets.commonFamilies(i, r);
        if (common.isEmpty()) { // keep the family of the first TSi selector, which both sides had before
            common = Set.of(tsi.getFirst().family());
            i = SelectorSets.ofFamilies(tsi, common);
            r = SelectorSets.ofFamilies(tsr, common);
            i = i.subList(0, Math.min(max, i.size()));
            r = r.subList(0, Math.min(max, r.size()));
        }
        return new TsPair(SelectorSets.ofFamilies(i, common), SelectorSets.ofFamilies(r, common));
    }

    /** One policy's share of the proposal: (TSi ∩ remote, TSr ∩ local), in families present on both sides. */
    private record Candidate(int index, TsPolicy policy, List<Selector> tsi, List<Selector> tsr) {
        static Candidate of(int index, TsPolicy policy, TsPair wanted) {
            List<Selector> i = SelectorSets.intersect(wanted.tsi(), policy.remote());
            List<Selector> r = SelectorSets.intersect(wanted.tsr(), policy.local());
            Set<AddressFamily> common = SelectorSets.commonFamilies(i, r);
            if (common.isEmpty()) {
                return null;
            }
            return new Candidate(index, policy, SelectorSets.ofFamilies(i, common), SelectorSets.ofFamilies(r, common));
        }

        boolean touches(Selector firstI, Selector firstR) {
            return firstI.family() == firstR.family()
                    && tsi.stream().anyMatch(s -> s.intersect(firstI).isPresent())
                    && tsr.stream().anyMatch(s -> s.intersect(firstR).isPresent());
        }

        /**
         * Whether all of this candidate's traffic is in the answer: per family, both sides inside (a product A × B
         * with A, B non-empty lies in C × D exactly when A ⊆ C and B ⊆ D). Undecided counts as "not within", which
         * at worst announces ADDITIONAL_TS_POSSIBLE once too often.
         */
        boolean within(TsPair answer, SelectorSets.Budget budget) {
            for (AddressFamily f : SelectorSets.families(tsi)) {
                List<Selector> ai = SelectorSets.ofFamilies(answer.tsi(), Set.of(f));
                List<Selector> ar = SelectorSets.ofFamilies(answer.tsr(), Set.of(f));
                if (!SelectorSets.coversAll(ai, SelectorSets.ofFamilies(tsi, Set.of(f)), budget)
                        || !SelectorSets.coversAll(ar, SelectorSets.ofFamilies(tsr, Set.of(f)), budget)) {
                    return false;
                }
            }
            return true;
        }
    }
}
