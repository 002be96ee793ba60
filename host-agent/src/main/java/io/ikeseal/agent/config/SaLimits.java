package io.ikeseal.agent.config;

import java.time.Duration;

/**
 * Per-IKE SA limits and keepalives of the lifecycle.
 *
 * @param childSaLimit CHILD_SAs one IKE SA may carry; a CREATE_CHILD_SA beyond it is answered N(NO_ADDITIONAL_SAS)
 *                     (RFC 7296 §1.3). Rekeys do not count: the old and new CHILD_SA are one.
 * @param natKeepalive behind a NAT, a one-octet 0xFF UDP packet (RFC 3948 §2.3) when we sent nothing for this long,
 *                     so the NAT keeps the mapping; zero: never
 */
public record SaLimits(int childSaLimit, Duration natKeepalive) {
    /** strongSwan sends NAT keepalives every 20 s. */
    public static final SaLimits DEFAULT = new SaLimits(64, Duration.ofSeconds(20));

    public SaLimits {
        if (childSaLimit < 1 || childSaLimit > 10_000 || natKeepalive.isNegative()) {
            throw new IllegalArgumentException("SA limits out of range");
        }
    }
}
