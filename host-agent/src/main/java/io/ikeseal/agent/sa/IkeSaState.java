package io.ikeseal.agent.sa;

/** Where an IKE SA is in its life (RFC 7296 §1.2, §2.4); transitions only go down this list. */
public enum IkeSaState {
    /** Initiator: IKE_SA_INIT request sent, no keys yet. */
    CONNECTING,
    /** Keys derived, peer not yet authenticated: what RFC 7296 §2.6 calls half-open on the responder. */
    HALF_OPEN,
    /** Initiator: IKE_AUTH request sent. */
    AUTHENTICATING,
    ESTABLISHED,
    /**
     * Replaced by a rekeyed or reauthenticated IKE SA that now carries its CHILD_SAs (RFC 7296 §2.18, §2.8.3); only
     * its Delete is still exchanged.
     */
    REKEYED,
    /** Our Delete sent, waiting for the answer. */
    DELETING,
    /** Gone: keys destroyed; only a cached last response may still answer retransmissions. */
    CLOSED
}
