package io.ikeseal.agent.config;

import java.time.Duration;

/**
 * When an IKE SA is renewed and when it must be gone, the way strongSwan users write it ({@code rekey_time},
 * {@code reauth_time}, {@code over_time}, {@code rand_time}). A renewal starts at its time minus a random part of
 * {@code randTime}, so SAs made together do not all renew at once; the old SA serves until the new one is up (make
 * before break). An SA whose renewal never succeeds is deleted {@code overTime} after the renewal time.
 *
 * @param rekeyTime  CREATE_CHILD_SA rekey of the IKE SA (RFC 7296 §2.18) after this long; zero: never
 * @param reauthTime a new IKE SA with a full IKE_AUTH (§2.8.3) after this long; zero: never
 * @param overTime   how long past the first renewal time the SA may live at most (its hard limit)
 * @param randTime   up to this much earlier than the renewal time, chosen at random per SA
 */
public record IkeLifetimes(Duration rekeyTime, Duration reauthTime, Duration overTime, Duration randTime) {
    /** strongSwan's defaults: rekey after 4 h, no reauthentication, 10 % over time, as much jitter. */
    public static final IkeLifetimes DEFAULT = of(Duration.ofHours(4), Duration.ZERO, null, null);

    public IkeLifetimes {
        if (rekeyTime.isNegative() || reauthTime.isNegative() || overTime.isNegative() || randTime.isNegative()) {
            throw new IllegalArgumentException("IKE SA lifetimes must not be negative");
        }
        Duration first = firstNonZero(rekeyTime, reauthTime); // the fields are not assigned yet
        if (!first.isZero() && randTime.compareTo(first) >= 0) {
            throw new IllegalArgumentException("rand-time must be shorter than the rekey or reauth time");
        }
    }

    /** With strongSwan's derived defaults: over-time 10 % of the longer renewal time, rand-time as over-time. */
    public static IkeLifetimes of(Duration rekey, Duration reauth, Duration overOrNull, Duration randOrNull) {
        Duration longer = rekey.compareTo(reauth) >= 0 ? rekey : reauth;
        Duration over = overOrNull != null ? overOrNull : longer.dividedBy(10);
        Duration rand = randOrNull != null ? randOrNull : over;
        Duration first = firstNonZero(rekey, reauth);
        if (randOrNull == null && !first.isZero() && rand.compareTo(first) >= 0) {
            rand = first.dividedBy(10);
        }
        return new IkeLifetimes(rekey, reauth, over, rand);
    }

    /** The earlier of the rekey and reauth times that is set; zero when neither is. */
    public Duration renewal() {
        return firstNonZero(rekeyTime, reauthTime);
    }

    /** Whether the first renewal is a reauthentication (it is due no later than a rekey). */
    public boolean reauthenticates() {
        return !reauthTime.isZero() && (rekeyTime.isZero() || reauthTime.compareTo(rekeyTime) <= 0);
    }

    /** The hard limit: renewal time plus over-time; zero (no limit) when the SA is never renewed. */
    public Duration hardLimit() {
        Duration first = renewal();
        return first.isZero() ? Duration.ZERO : first.plus(overTime);
    }

    private static Duration firstNonZero(Duration a, Duration b) {
        if (a.isZero()) {
            return b;
        }
        if (b.isZero()) {
            return a;
        }
        return a.compareTo(b) <= 0 ? a : b;
    }
}
