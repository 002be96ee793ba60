package io.ikeseal.agent.esp;

/**
 * Why an ESP packet was not delivered. Each is counted; none is answered (RFC 4303 §3.4: such events are
 * auditable, not replied to).
 */
public enum EspDrop {
    /** Shorter than SPI, sequence number, IV, trailer and ICV; or not a whole number of cipher blocks. */
    TRUNCATED,
    /** No inbound SA has this SPI (RFC 4303 §3.4.2). */
    UNKNOWN_SPI,
    /** The sequence number is left of the window or was seen already (RFC 4303 §3.4.3). */
    REPLAY,
    /** The ICV did not verify (RFC 4303 §3.4.4). */
    BAD_ICV,
    /** Pad Length beyond the payload, or padding octets not 1, 2, 3, ... (RFC 4303 §2.4). */
    BAD_PADDING,
    /** Next Header not an inner IP packet of the SA's mode, or 59 (a dummy packet, RFC 4303 §2.6) */
    BAD_NEXT_HEADER,
    /** The inner packet is not within the SA's traffic selectors (RFC 4301 §5.2). */
    POLICY_MISMATCH,
    /** An outbound packet matched no CHILD_SA's traffic selectors. */
    NO_OUTBOUND_SA,
    /** The outbound SA's sequence numbers are used up (RFC 4303 §3.3.3). */
    SEQUENCE_EXHAUSTED,
    /** The inner packet is no well-formed IPv4 or IPv6 packet. */
    MALFORMED_INNER,
    /** The inner packet and ESP overhead exceed the datagram the data plane sends. */
    TOO_BIG;

    /** The negative number {@link EspOpener#open} returns for this drop: its place in this list, from -1 down. */
    @SuppressWarnings("EnumOrdinal") // codes are never stored or sent, only returned within one process
    public int code() {
        return -1 - ordinal();
    }

    /** The drop of a negative {@link #code()}. */
    public static EspDrop ofCode(int code) {
        return values()[-1 - code];
    }
}
