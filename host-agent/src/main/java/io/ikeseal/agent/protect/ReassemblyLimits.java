package io.ikeseal.agent.protect;

import java.time.Duration;

/**
 * Bounds on one IKE SA's reassembly of one message (RFC 7383 §5: fragments cost the receiver memory before the
 * message is complete). The memory all of a peer's SAs may hold together is a {@link PeerReassemblyBudget}.
 *
 * @param maxFragments    largest Total Fragments accepted
 * @param maxMessageBytes largest reassembled inner chain, in octets
 * @param timeout         how long an incomplete reassembly is kept after its first fragment
 */
public record ReassemblyLimits(int maxFragments, int maxMessageBytes, Duration timeout) {
    /**
     * 64 fragments carry more than 30 000 octets even at IPv4's 548-octet default, which is room for several
     * certificates; 30 s is far beyond a retransmission interval, after which the peer resends every fragment.
     */
    public static final ReassemblyLimits DEFAULT = new ReassemblyLimits(64, 32_768, Duration.ofSeconds(30));

    public ReassemblyLimits {
        if (maxFragments < 1
                || maxFragments > 0xffff
                || maxMessageBytes < 1
                || timeout.isNegative()
                || timeout.isZero()) {
            throw new IllegalArgumentException("reassembly limits must allow one fragment for some time");
        }
    }
}
