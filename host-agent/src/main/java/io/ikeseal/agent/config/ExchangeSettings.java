package io.ikeseal.agent.config;

import java.time.Duration;

import io.ikeseal.agent.auth.SignaturePolicy;

/**
 * Timers and thresholds of the exchanges.
 *
 * @param retransmitTimeout  first retransmission of an unanswered request; then ×{@code retransmitBase} each time
 * @param retransmitTries    retransmissions before the SA is given up (RFC 7296 §2.1: bounded)
 * @param halfOpenTimeout    an SA not established by then is dropped (§2.4)
 * @param cookieThreshold    half-open SAs beyond which IKE_SA_INIT requests must carry a COOKIE (§2.6)
 * @param closedLinger       how long a closed SA still answers retransmitted requests from its cached response
 * @param fragmentSize       largest IKE message sent unfragmented once both sides support RFC 7383 (IP + UDP excluded)
 * @param windowSize         how many requests of a peer we work on at once (RFC 7296 §2.3); above 1 it is announced
 *                           with N(SET_WINDOW_SIZE) in IKE_AUTH, and that many answers are kept for retransmissions
 * @param admission          per-source, per-prefix and global half-open limits and refusal rates (§2.6)
 * @param limits             CHILD_SAs per IKE SA and the NAT keepalive interval
 */
public record ExchangeSettings(
        Duration retransmitTimeout,
        double retransmitBase,
        int retransmitTries,
        Duration halfOpenTimeout,
        int cookieThreshold,
        Duration closedLinger,
        int fragmentSize,
        boolean fragmentation,
        int windowSize,
        SignaturePolicy signatures,
        AdmissionSettings admission,
        SaLimits limits) {
    /** The largest window we announce: each slot keeps one cached answer per SA. */
    public static final int MAX_WINDOW_SIZE = 64;

    /** strongSwan's retransmission defaults are 4 s × 1.8^n, 5 tries; a gateway answers sooner on a LAN. */
    public static final ExchangeSettings DEFAULT = new ExchangeSettings(
            Duration.ofSeconds(2),
            1.8,
            5,
            Duration.ofSeconds(30),
            20,
            Duration.ofSeconds(30),
            1280,
            true,
            1,
            SignaturePolicy.DEFAULT,
            AdmissionSettings.DEFAULT,
            SaLimits.DEFAULT);

    public ExchangeSettings {
        if (retransmitTimeout.isNegative()
                || retransmitTimeout.isZero()
                || retransmitBase < 1
                || retransmitTries < 0
                || halfOpenTimeout.isNegative()
                || halfOpenTimeout.isZero()
                || cookieThreshold < 0
                || closedLinger.isNegative()
                || fragmentSize < 576
                || fragmentSize > 65_535
                || windowSize < 1
                || windowSize > MAX_WINDOW_SIZE
                || limits == null) {
            throw new IllegalArgumentException("exchange settings out of range");
        }
    }

    /** The delay before retransmission {@code n} (0 = the first). */
    public Duration retransmitDelay(int n) {
        return Duration.ofNanos((long) (retransmitTimeout.toNanos() * Math.pow(retransmitBase, n)));
    }

    /** How long an initiator waits in total before giving up. */
    public Duration giveUpAfter() {
        Duration total = Duration.ZERO;
        for (int i = 0; i <= retransmitTries; i++) {
            total = total.plus(retransmitDelay(i));
        }
        return total;
    }

    public ExchangeSettings withRetransmit(Duration first, double base, int tries) {
        return new ExchangeSettings(
                first,
                base,
                tries,
                halfOpenTimeout,
                cookieThreshold,
                closedLinger,
                fragmentSize,
                fragmentation,
                windowSize,
                signatures,
                admission,
                limits);
    }

    public ExchangeSettings withHalfOpen(Duration timeout, int threshold) {
        return new ExchangeSettings(
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                timeout,
                threshold,
                closedLinger,
                fragmentSize,
                fragmentation,
                windowSize,
                signatures,
                admission,
                limits);
    }

    public ExchangeSettings withFragments(boolean enabled, int size) {
        return new ExchangeSettings(
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                halfOpenTimeout,
                cookieThreshold,
                closedLinger,
                size,
                enabled,
                windowSize,
                signatures,
                admission,
                limits);
    }

    public ExchangeSettings withClosedLinger(Duration linger) {
        return new ExchangeSettings(
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                halfOpenTimeout,
                cookieThreshold,
                linger,
                fragmentSize,
                fragmentation,
                windowSize,
                signatures,
                admission,
                limits);
    }

    /** The same settings with a window of {@code size} for the peer's requests (§2.3). */
    public ExchangeSettings withWindow(int size) {
        return new ExchangeSettings(
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                halfOpenTimeout,
                cookieThreshold,
                closedLinger,
                fragmentSize,
                fragmentation,
                size,
                signatures,
                admission,
                limits);
    }

    /** The same settings with other admission limits (RFC 7296 §2.6). */
    public ExchangeSettings withAdmission(AdmissionSettings admissionLimits) {
        return new ExchangeSettings(
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                halfOpenTimeout,
                cookieThreshold,
                closedLinger,
                fragmentSize,
                fragmentation,
                windowSize,
                signatures,
                admissionLimits,
                limits);
    }

    /** The same settings with other CHILD_SA limits and NAT keepalive interval. */
    public ExchangeSettings withLimits(SaLimits saLimits) {
        return new ExchangeSettings(
                retransmitTimeout,
                retransmitBase,
                retransmitTries,
                halfOpenTimeout,
                cookieThreshold,
                closedLinger,
                fragmentSize,
                fragmentation,
                windowSize,
                signatures,
                admission,
                saLimits);
    }
}
