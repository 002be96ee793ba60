package io.ikeseal.agent.wire;

/**
 * Why a datagram or an inner payload chain was refused. Each reason is counted by the transport; the
 * notification it may lead to is chosen by {@link MalformedMessageException#notifyType()}.
 */
public enum MalformedReason {
    /** Shorter than the IKE header or than a length field says. */
    TRUNCATED("truncated"),
    /** The header's Length does not equal the datagram's length (RFC 7296 §3.1). */
    LENGTH_MISMATCH("length-mismatch"),
    /** Larger than the configured maximum message size. */
    TOO_LARGE("too-large"),
    /** Major version other than 2 (RFC 7296 §2.5). */
    UNSUPPORTED_VERSION("unsupported-version"),
    /** A payload, proposal, transform, attribute or selector length too short, too long or inconsistent. */
    BAD_LENGTH("bad-length"),
    /** More payloads, proposals or selectors than the limits allow. */
    TOO_MANY("too-many"),
    /** An unknown payload with the critical bit set (RFC 7296 §2.5). */
    UNSUPPORTED_CRITICAL_PAYLOAD("unsupported-critical-payload"),
    /** A field value out of range, a misplaced SK payload, bad numbering, and other syntax errors. */
    INVALID_SYNTAX("invalid-syntax");

    private final String label;

    MalformedReason(String label) {
        this.label = label;
    }

    /** The name used in counters and logs. */
    public String label() {
        return label;
    }
}
