package io.ikeseal.agent.ts;

import io.ikeseal.agent.wire.NotifyType;

/** What a responder answers to a proposed TSi/TSr (RFC 7296 §2.9). */
public sealed interface NarrowingResult {

    /** Which of §2.9's narrowing rules chose the answer. */
    enum Rule {
        /** "If the responder's policy allows the entire set of traffic covered by TSi and TSr, no narrowing is
         * necessary". */
        ENTIRE_PROPOSAL,
        /** "If the responder's policy allows it to accept the first selector of TSi and TSr, then the responder MUST
         * narrow the Traffic Selectors to a subset that includes the initiator's first choices". */
        FIRST_SELECTORS,
        /** "If the responder's policy does not allow it to accept the first selector of TSi and TSr, the responder
         * narrows to an acceptable subset of TSi and TSr". */
        ACCEPTABLE_SUBSET
    }

    /**
     * Send these selectors back in TSi and TSr.
     *
     * @param policyIndex          which of the candidate policies the SA belongs to (its ESP proposals, mode and
     *                             lifetimes are the ones to use)
     * @param selectors            a subset of the proposal and of that policy, never empty
     * @param rule                 why this subset
     * @param additionalTsPossible other proposed traffic would have been acceptable, only in a separate SA: the
     *                             response MAY carry an ADDITIONAL_TS_POSSIBLE notification (§2.9)
     */
    record Accepted(int policyIndex, TsPair selectors, Rule rule, boolean additionalTsPossible)
            implements NarrowingResult {}

    /**
     * "If the responder's policy does not allow it to accept any part of the proposed Traffic Selectors, it
     * responds with a TS_UNACCEPTABLE Notify message" (§2.9).
     *
     * @param reason for the log: which traffic was asked for, and why nothing of it is acceptable
     */
    record Unacceptable(String reason) implements NarrowingResult {
        public int notifyType() {
            return NotifyType.TS_UNACCEPTABLE;
        }
    }
}
