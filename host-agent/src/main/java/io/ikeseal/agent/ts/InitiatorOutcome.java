package io.ikeseal.agent.ts;

/** What an initiator makes of the TSi and TSr a responder sent back (RFC 7296 §2.9). */
public sealed interface InitiatorOutcome {

    /**
     * The response is within the proposal; install the SA for these selectors.
     *
     * @param selectors the responder's TSi and TSr, without families that occur on one side only (they carry
     *                  nothing)
     * @param narrowed  the responder took less than was proposed; with an ADDITIONAL_TS_POSSIBLE notification the
     *                  rest may be asked for in another CREATE_CHILD_SA
     */
    record Accepted(TsPair selectors, boolean narrowed) implements InitiatorOutcome {}

    /** Why a response is refused; the CHILD_SA is then deleted. */
    enum Problem {
        /** A responder narrows, never widens (§2.9: "a subset of the initiator's proposal"). */
        WIDER_THAN_PROPOSED,
        /** TSi and TSr share no address family, so the SA could carry no packet. */
        NO_COMMON_FAMILY
    }

    /**
     * The response is not acceptable.
     *
     * @param detail for the log: the offending selector and what was proposed
     */
    record Rejected(Problem problem, String detail) implements InitiatorOutcome {}
}
