package io.ikeseal.agent.config;

import java.time.Duration;

/**
 * How a connection watches its peer and what it does when its SAs go (strongSwan's {@code dpd_delay},
 * {@code dpd_action}, {@code close_action}).
 *
 * @param dpdDelay    an empty INFORMATIONAL (RFC 7296 §1.4) is sent when nothing came from the peer for this long;
 *                    zero: never. A dead peer's SAs go after at most this plus the retransmission time.
 * @param dpdAction   what follows when the peer did not answer
 * @param closeAction what follows when the peer deleted the IKE SA
 */
public record Liveness(Duration dpdDelay, Action dpdAction, Action closeAction) {
    public static final Liveness DEFAULT = new Liveness(Duration.ZERO, Action.CLEAR, Action.NONE);

    /** After a dead peer or a peer's Delete. */
    public enum Action {
        /** Nothing more (the close-action default). */
        NONE,
        /** The SAs are removed (the dpd-action default). */
        CLEAR,
        /** The connection is initiated again, with backoff until it is up. */
        RESTART,
        /**
         * The SAs are removed but the connection is kept ready to start again on traffic; until a data plane reports
         * traffic it is started again on demand only.
         */
        HOLD;

        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Liveness {
        if (dpdDelay.isNegative()) {
            throw new IllegalArgumentException("dpd-delay must not be negative");
        }
    }
}
