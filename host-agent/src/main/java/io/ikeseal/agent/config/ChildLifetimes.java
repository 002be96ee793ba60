package io.ikeseal.agent.config;

import java.time.Duration;

/**
 * When a CHILD_SA is rekeyed and when it must be gone, as strongSwan's {@code rekey_time}, {@code life_time} and
 * {@code rand_time}: a rekey (RFC 7296 §2.8) starts at {@code rekeyTime} minus a random part of {@code randTime};
 * the old CHILD_SA serves until its successor is installed. One that was not rekeyed by {@code lifeTime} is deleted.
 * Byte and packet limits follow once a data plane counts traffic.
 *
 * @param rekeyTime zero: never rekeyed (it still ends at {@code lifeTime})
 * @param lifeTime  the hard limit
 */
public record ChildLifetimes(Duration rekeyTime, Duration lifeTime, Duration randTime) {
    /** strongSwan's defaults: rekey after 1 h, hard limit 10 % later, jitter up to that difference. */
    public static final ChildLifetimes DEFAULT = of(Duration.ofHours(1), null, null);

    public ChildLifetimes {
        if (rekeyTime.isNegative() || lifeTime.isNegative() || lifeTime.isZero() || randTime.isNegative()) {
            throw new IllegalArgumentException("CHILD_SA lifetimes must be positive");
        }
        if (!rekeyTime.isZero() && rekeyTime.compareTo(lifeTime) >= 0) {
            throw new IllegalArgumentException("rekey-time must be shorter than life-time");
        }
        if (!rekeyTime.isZero() && randTime.compareTo(rekeyTime) >= 0) {
            throw new IllegalArgumentException("rand-time must be shorter than rekey-time");
        }
    }

    /** With strongSwan's derived defaults: life-time 110 % of rekey-time, rand-time their difference. */
    public static ChildLifetimes of(Duration rekey, Duration lifeOrNull, Duration randOrNull) {
        Duration life = lifeOrNull != null ? lifeOrNull : rekey.plus(rekey.dividedBy(10));
        Duration rand = randOrNull != null ? randOrNull : rekey.isZero() ? Duration.ZERO : life.minus(rekey);
        if (randOrNull == null && !rekey.isZero() && rand.compareTo(rekey) >= 0) {
            rand = rekey.dividedBy(10);
        }
        return new ChildLifetimes(rekey, life, rand);
    }
}
