package io.ikeseal.agent.exchange;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.IkeLifetimes;

/**
 * When and how an established IKE SA is renewed (RFC 7296 §2.8, issue 10): at the renewal time minus a uniform random
 * part of rand-time, so SAs made together spread their token work, by a CREATE_CHILD_SA rekey (§2.18) or, when
 * configured and we can initiate, a reauthentication (§2.8.3). Both ends run this timer; collisions are resolved by
 * {@link IkeSaRekeys}. A renewal that fails leaves the SA to its hard limit.
 */
final class IkeSaRenewal {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSaRenewal.class);

    private IkeSaRenewal() {}

    /** The renewal time less a uniform random part of rand-time; zero when the SA is never renewed. */
    static Duration delay(IkeLifetimes l, IkeRandom random) {
        Duration renewal = l.renewal();
        if (renewal.isZero() || l.randTime().isZero()) {
            return renewal;
        }
        long jitter = Math.floorMod(random.ikeSpi(), l.randTime().toMillis() + 1);
        return renewal.minusMillis(jitter);
    }

    /** Due: reauthenticate when configured and possible, else rekey. Runs on the SA's executor. */
    static void renew(IkeSa sa) {
        IkeLifetimes l = sa.connection().config().lifetimes();
        boolean reauth = l.reauthenticates() && Reauthentication.possible(sa);
        if (!reauth && l.rekeyTime().isZero()) {
            return; // reauthentication configured on a responder-only connection: the hard limit ends it
        }
        var done = reauth ? Reauthentication.start(sa) : IkeSaRekeyInitiator.queue(sa);
        Continuations.inline(done, (now, e) -> {
            if (e != null) {
                LOG.info(
                        "IKE_SA {}: {} failed, it stays until its hard limit: {}",
                        sa.name(),
                        reauth ? "reauthentication" : "rekey",
                        IkeKeyDerivation.describe(e));
            }
        });
    }
}
