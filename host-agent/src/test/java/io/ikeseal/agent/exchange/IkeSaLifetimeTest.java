package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.IkeSaRekeyTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.IkeLifetimes;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * IKE SA lifetimes (issue 10, strongSwan's rekey-time/over-time/rand-time): both ends run their renewal timer, the
 * first due rekeys at renewal minus a random part of rand-time, the new SA gets fresh timers; an SA whose renewal
 * fails is deleted at its hard limit. The harness connections use {@link IkeLifetimes#DEFAULT}.
 */
class IkeSaLifetimeTest {
    static final IkeLifetimes L = IkeLifetimes.DEFAULT;

    @Test
    void theIkeSaIsRekeyedWithinItsJitterWindowOnceAndGetsFreshTimers() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        Duration earliest = L.renewal().minus(L.randTime());

        pair.scheduler.advance(earliest.minusSeconds(1));
        assertFalse(pair.initiator.events.contains("rekeyed"), "not before renewal minus rand-time");

        pair.scheduler.advance(L.randTime().plusSeconds(1));
        assertEquals(1, pair.initiator.events.stream().filter("rekeyed"::equals).count());
        assertEquals(1, pair.responder.events.stream().filter("rekeyed"::equals).count());
        IkeSa now = only(pair.initiator);
        assertNotEquals(info.spiI(), now.spiI());
        assertEquals(now.spiI(), only(pair.responder).spiI());
        assertEquals(1, now.children().list().size());

        // The new SA renews again within its own window, counted from its creation; the old hard limit is gone.
        pair.scheduler.advance(L.renewal());
        assertEquals(2, pair.initiator.events.stream().filter("rekeyed"::equals).count());
        assertFalse(pair.initiator.events.stream().anyMatch(e -> e.startsWith("deleted")));
    }

    @Test
    void renewalTimesSpreadOverTheJitterWindow() {
        IkeRandom random = new IkeRandom(new java.security.SecureRandom());
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = IkeSaRenewal.delay(L, random);
            assertTrue(d.compareTo(L.renewal()) <= 0 && d.compareTo(L.renewal().minus(L.randTime())) >= 0, d::toString);
            seen.add(d);
        }
        assertTrue(seen.size() > 100, "jittered, not one time for all SAs");
        assertEquals(
                Duration.ZERO, IkeSaRenewal.delay(IkeLifetimes.of(Duration.ZERO, Duration.ZERO, null, null), random));
    }

    @Test
    void anSaWhoseRekeyFailsIsDeletedAtItsHardLimit() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        pair.initiator.crypto.refuseShares("token busy");
        pair.responder.crypto.refuseShares("token busy");

        pair.scheduler.advance(L.renewal().plusSeconds(1));
        assertEquals(info.spiI(), only(pair.initiator).spiI(), "the old SA serves on after the failed renewal");

        pair.scheduler.advance(L.overTime());
        assertTrue(pair.initiator.gateway.established().isEmpty());
        assertTrue(pair.responder.gateway.established().isEmpty());
        assertTrue(pair.initiator.events.stream().anyMatch(e -> e.startsWith("deleted")));
        assertEquals(0, pair.initiator.installer.installed().size());
        assertEquals(0, pair.responder.installer.installed().size());
    }
}
