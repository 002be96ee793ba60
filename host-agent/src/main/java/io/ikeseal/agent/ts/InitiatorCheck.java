package io.ikeseal.agent.ts;

import java.util.List;

import io.ikeseal.agent.ts.InitiatorOutcome.Accepted;
import io.ikeseal.agent.ts.InitiatorOutcome.Problem;
import io.ikeseal.agent.ts.InitiatorOutcome.Rejected;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/**
 * The initiator's side of traffic selector negotiation (RFC 7296 §2.9): the responder "narrows the Traffic
 * Selectors to some subset of the initiator's proposal", so whatever it sends back must lie within what was
 * proposed (within the union of the proposed selectors: a responder may join 10.0.0.0/25 and 10.0.0.128/25 into
 * 10.0.0.0/24). Anything wider would let the peer route traffic our policy never offered.
 */
public final class InitiatorCheck {
    private InitiatorCheck() {}

    /**
     * The check of the TSi and TSr payloads as received. We propose only address ranges, so a selector of any other
     * TS type in the answer is one we never proposed.
     */
    public static InitiatorOutcome check(TsPair proposed, TrafficSelectorPayload tsi, TrafficSelectorPayload tsr) {
        for (TrafficSelectorPayload p : List.of(tsi, tsr)) {
            if (p.unknownSelectors() > 0) {
                return new Rejected(
                        Problem.WIDER_THAN_PROPOSED,
                        p.kind().rfcName() + " holds " + p.unknownSelectors()
                                + " selector(s) of a TS type we did not propose");
            }
        }
        return check(proposed, TsPair.fromPayloads(tsi, tsr));
    }

    /** The check of the responder's TSi and TSr against what we proposed. */
    public static InitiatorOutcome check(TsPair proposed, TsPair returned) {
        String wider = firstOutside("TSi", proposed.tsi(), returned.tsi());
        if (wider == null) {
            wider = firstOutside("TSr", proposed.tsr(), returned.tsr());
        }
        if (wider != null) {
            return new Rejected(Problem.WIDER_THAN_PROPOSED, wider);
        }
        TsPair usable = returned.effective();
        if (usable == null) {
            return new Rejected(Problem.NO_COMMON_FAMILY, "no address family on both sides: " + returned);
        }
        TsPair wanted = proposed.effective();
        // Narrowed unless the answer covers all that could carry traffic; a test the peer's selectors make too
        // costly counts as narrowed, which is only informational.
        SelectorSets.Budget budget = new SelectorSets.Budget(SelectorSets.PEER_BUDGET);
        boolean whole = wanted != null
                && SelectorSets.coversAll(usable.tsi(), wanted.tsi(), budget)
                && SelectorSets.coversAll(usable.tsr(), wanted.tsr(), budget);
        return new Accepted(usable, !whole);
    }

    private static String firstOutside(String side, List<Selector> proposed, List<Selector> returned) {
        for (Selector s : returned) {
            if (!SelectorSets.covers(proposed, s)) {
                return side + " " + s + " is not within the proposed " + SelectorSets.format(proposed);
            }
        }
        return null;
    }
}
