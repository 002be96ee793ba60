package io.ikeseal.agent.config;

import java.time.Duration;

/**
 * Per-IKE SA limits and keepalives of the lifecycle.
 *
 * @param childSaLimit CHILD_SAs one IKE SA may carry; a CREATE_CHILD_SA beyond it is answered N(NO_ADDITIONAL_SAS)
 *                     (RFC 7296 §1.3). Rekeys do not count: the old and new CHILD_SA are one.
 * @param natKeepalive behind a NAT, a one-octet 0xFF UDP packet (RFC 3948 §2.3) when we sent nothing for this long,
 *                     so the NAT keeps the mapping; zero: never
 * @param forceUdpEncapsulation ESP in UDP even without a NAT: our NAT_DETECTION_SOURCE_IP is made not to match, so
 *                     the peer sees a NAT and both ends encapsulate (RFC 3948) — what the userspace data plane, which
 *                     has no raw ESP socket, needs; strongSwan's kernel-libipsec does the same
 */
public record SaLimits(int childSaLimit, Duration natKeepalive, boolean forceUdpEncapsulation) {
    /** strongSwan sends NAT keepalives every 20 s. */
    public static final SaLimits DEFAULT = new SaLimits(64, Duration.ofSeconds(20), false);

    public SaLimits(int childSaLimit, Duration natKeepalive) {
        this(childSaLimit, natKeepalive, false);
    }

    public SaLimits {
        if (childSaLimit < 1 || childSaLimit > 10_000 || natKeepalive.isNegative()) {
            throw new IllegalArgumentException("SA limits out of range");
        }
    }

    public SaLimits withForcedUdpEncapsulation(boolean force) {
        return new SaLimits(childSaLimit, natKeepalive, force);
    }
}
