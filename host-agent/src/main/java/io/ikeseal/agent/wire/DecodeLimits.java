package io.ikeseal.agent.wire;

/**
 * Caps a decoder enforces on every message before building anything large.
 *
 * @param maxMessageLength octets in one datagram or one reassembled message
 * @param maxPayloads      payloads in one chain (outer, or inside one SK payload)
 */
public record DecodeLimits(int maxMessageLength, int maxPayloads) {
    /** 64 KiB covers any UDP datagram; 64 payloads is several times what a certificate IKE_AUTH carries. */
    public static final DecodeLimits DEFAULT = new DecodeLimits(65_535, 64);

    public DecodeLimits {
        if (maxMessageLength < IkeHeader.LENGTH || maxPayloads < 1) {
            throw new IllegalArgumentException("limits must allow a header and one payload");
        }
    }
}
