package io.ikeseal.agent.protect;

/** Why {@link FragmentReassembler} dropped an IKE Fragment Message; each is counted under {@link #label()}. */
public enum FragmentDrop {
    /** Total Fragments above {@link ReassemblyLimits#maxFragments()}: refused before any crypto. */
    TOO_MANY_FRAGMENTS("too-many-fragments"),
    /** A Message ID below the newest this SA has reassembled or is reassembling in that direction. */
    OLDER_MESSAGE("older-message"),
    /** A fragment number already held for this message: ignored before any crypto. */
    DUPLICATE("duplicate-fragment"),
    /** Total Fragments below the current reassembly's (RFC 7383 §2.6): refused before any crypto. */
    SMALLER_TOTAL("smaller-total"),
    /** The fragment failed its integrity check (RFC 7383 §2.6: checked before it is stored). */
    INTEGRITY("integrity"),
    /** An exchange type or flags unlike those of the fragments held for the same Message ID. */
    CONFLICTING("conflicting-fragment"),
    /** The message would exceed {@link ReassemblyLimits#maxMessageBytes()}; its reassembly is abandoned. */
    MESSAGE_TOO_LARGE("message-too-large"),
    /** The peer's {@link PeerReassemblyBudget} is used up; the reassembly keeps what it has. */
    PEER_BUDGET("peer-budget");

    private final String label;

    FragmentDrop(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
