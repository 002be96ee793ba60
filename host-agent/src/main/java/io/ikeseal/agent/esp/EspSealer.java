package io.ikeseal.agent.esp;

import java.nio.ByteBuffer;

/**
 * The outbound half of a CHILD_SA's ESP (RFC 4303): encapsulates inner packets under one SPI with the negotiated
 * transform, its own sequence numbers (32 or 64 bits with ESN, RFC 4304) and counters. One thread seals at a time.
 */
public interface EspSealer {

    /** The SPI the peer chose for this direction. */
    int spi();

    /**
     * Writes one ESP packet (SPI, sequence number, IV, encrypted payload with padding, pad length and next header,
     * ICV; RFC 4303 §2) for the inner packet between {@code inner}'s position and limit into {@code out} from its
     * position. Both positions advance. {@code out} needs {@link #maxOverhead()} octets more than the inner packet.
     *
     * @param nextHeader 4 (IPv4) or 41 (IPv6) in tunnel mode (RFC 4303 §2.6)
     * @return false when the sequence number space is used up (RFC 4303 §3.3.3): nothing written, the SA must be
     *     rekeyed
     */
    boolean seal(ByteBuffer inner, int nextHeader, ByteBuffer out);

    /** The most octets ESP adds to an inner packet: header, IV, maximal padding, trailer and ICV. */
    int maxOverhead();

    /** Packets sealed so far. */
    long packets();

    /** Inner octets sealed so far. */
    long octets();

    /** Zeroes the host-side key octets; later calls fail. */
    void destroy();
}
