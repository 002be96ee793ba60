package io.ikeseal.agent.sa;

/**
 * Why an IKE SA ended, as data: connection supervision (issue 10) decides by it whether to start the connection
 * again, and a rekeyed or reauthenticated SA (its successor already up, make before break) triggers nothing.
 */
public enum IkeSaEnd {
    /** The peer sent Delete for the IKE SA (RFC 7296 §1.4.1): close-action applies. */
    PEER_DELETE,
    /** No answer to a request after every retransmission (§2.4), e.g. a liveness check: dpd-action applies. */
    DEAD_PEER,
    /** The peer started afresh with the same identities and sent INITIAL_CONTACT (§2.4, §3.10.1). */
    INITIAL_CONTACT,
    /** We deleted it: shutdown, an operator, or a CHILD_SA-less end we chose. */
    LOCAL_DELETE,
    /** Its hard lifetime ran out. */
    EXPIRED,
    /** Replaced by a rekeyed or reauthenticated IKE SA (§2.18, §2.8.3): the connection stays up. */
    REKEYED,
    /** Never established, or ended by an error. */
    FAILED
}
