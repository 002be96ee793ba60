package io.ikeseal.agent.sa;

/**
 * What a CHILD_SA carried so far, as its data plane counted it: inner IP packets and their octets each way, after
 * decryption and before encryption. Lifetimes in bytes or packets and {@code run}'s events read these.
 */
public record ChildSaTraffic(long inboundPackets, long inboundOctets, long outboundPackets, long outboundOctets) {
    /** No data plane, or nothing carried yet. */
    public static final ChildSaTraffic NONE = new ChildSaTraffic(0, 0, 0, 0);

    public String describe() {
        return String.format(
                "in %d packets/%d octets, out %d packets/%d octets",
                inboundPackets, inboundOctets, outboundPackets, outboundOctets);
    }
}
