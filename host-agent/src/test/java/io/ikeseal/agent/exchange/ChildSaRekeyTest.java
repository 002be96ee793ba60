package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.SETTINGS;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static io.ikeseal.agent.exchange.ExchangePair.child;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ChildLifetimes;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.wire.ExchangeType;

/** CHILD_SA rekey (RFC 7296 §1.3.3, §2.8): make before break, PFS, lost messages, lifetimes, no leaked keys. */
class ChildSaRekeyTest {
    private static final List<ChildConfig> PFS = List.of(child("net", "aes256gcm16-ecp256", ChildLifetimes.DEFAULT));

    private static long undestroyed(ExchangePair pair) {
        return pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRekeyReplacesTheChildSaOnBothEndsWithFreshKeys(boolean pfs) throws Exception {
        ExchangePair pair = pfs ? new ExchangePair(ExchangeSettings.DEFAULT, PFS, PFS) : new ExchangePair();
        IkeSaInfo info = established(pair);
        ChildSaRecord old = ChildSaTests.samePairs(pair, 1).getFirst();
        String oldKeys = pair.initiator.keys.keys(old.inboundSpi());
        long keys = undestroyed(pair);
        int shares = pair.initiator.crypto.calls("generateShare") + pair.responder.crypto.calls("generateShare");

        ChildSaRecord now = get(pair.initiator.gateway.rekeyChild(info.spiI(), old.inboundSpi()));

        assertEquals(now, ChildSaTests.samePairs(pair, 1).getFirst(), "the old one is gone on both ends");
        assertNotEquals(old.inboundSpi(), now.inboundSpi());
        assertNotEquals(oldKeys, pair.initiator.keys.keys(now.inboundSpi()));
        assertEquals(
                shares + (pfs ? 2 : 0),
                pair.initiator.crypto.calls("generateShare") + pair.responder.crypto.calls("generateShare"));
        assertEquals(keys, undestroyed(pair));
        // make before break: the successor is announced before the old one goes
        assertEquals(
                List.of("child: net", "established", "child rekeyed: net", "child deleted: net"),
                pair.initiator.events);
        assertEquals(
                List.of("child: net", "established", "child rekeyed: net", "child deleted: net"),
                pair.responder.events);
        assertEquals(
                List.of(
                        "CREATE_CHILD_SA #2 request",
                        "CREATE_CHILD_SA #2 response",
                        "INFORMATIONAL #3 request",
                        "INFORMATIONAL #3 response"),
                pair.network.log().subList(4, 8).stream().map(Object::toString).toList());
    }

    @Test
    void theOriginalResponderRekeysToo() throws Exception {
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, PFS, PFS);
        IkeSaInfo info = established(pair);
        ChildSaRecord old = pair.responder.installer.installed().getFirst();

        ChildSaRecord now = get(pair.responder.gateway.rekeyChild(info.spiI(), old.inboundSpi()));

        assertEquals(now, pair.responder.installer.installed().getFirst());
        ChildSaTests.samePairs(pair, 1);
        assertEquals(
                List.of("child: net", "established", "child rekeyed: net", "child deleted: net"),
                pair.initiator.events);
    }

    @Test
    void aChildSaThePeerDoesNotKnowIsReplacedByAFreshOne() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        ChildSaRecord old = pair.initiator.installer.installed().getFirst();
        IkeSa theirs = ExchangeEngineTest.sa(pair.responder, info);
        theirs.exec()
                .execute(() ->
                        theirs.children().remove(theirs.children().entries().getFirst(), "forgotten"));

        CompletableFuture<ChildSaRecord> f = pair.initiator.gateway.rekeyChild(info.spiI(), old.inboundSpi());

        assertTrue(f.isCompletedExceptionally());
        ChildSaRecord fresh = ChildSaTests.samePairs(pair, 1).getFirst();
        assertNotEquals(old.inboundSpi(), fresh.inboundSpi());
        assertTrue(pair.initiator.events.contains("child deleted: net"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLostRequestOrResponseIsRetransmittedAndTheRekeyCompletesOnce(boolean response) throws Exception {
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, PFS, PFS);
        IkeSaInfo info = established(pair);
        ChildSaRecord old = pair.initiator.installer.installed().getFirst();
        long keys = undestroyed(pair);
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, response), 1, MemoryNetwork.Action.DROP);

        CompletableFuture<ChildSaRecord> f = pair.initiator.gateway.rekeyChild(info.spiI(), old.inboundSpi());
        assertFalse(f.isDone());
        pair.scheduler.advance(SETTINGS.retransmitDelay(0));

        ChildSaRecord now = get(f);
        assertEquals(now, ChildSaTests.samePairs(pair, 1).getFirst());
        assertEquals(
                1,
                pair.responder.events.stream()
                        .filter("child rekeyed: net"::equals)
                        .count());
        assertEquals(keys, undestroyed(pair));
    }

    @Test
    void theRekeyTimeLessItsJitterStartsTheRekeyAndTheSuccessorGetsFreshTimers() throws Exception {
        ChildLifetimes l = ChildLifetimes.of(Duration.ofMinutes(60), Duration.ofMinutes(66), Duration.ofMinutes(6));
        ChildLifetimes never = ChildLifetimes.of(Duration.ZERO, Duration.ofHours(10), null);
        ExchangePair pair = new ExchangePair(
                ExchangeSettings.DEFAULT,
                List.of(child("net", "aes256gcm16", l)),
                List.of(child("net", "aes256gcm16", never)));
        established(pair);
        ChildSaRecord old = pair.initiator.installer.installed().getFirst();

        pair.scheduler.advance(Duration.ofMinutes(54).minusMillis(1));
        assertEquals(old, pair.initiator.installer.installed().getFirst(), "not before rekey-time - rand-time");
        pair.scheduler.advance(Duration.ofMinutes(6).plusMillis(1));
        ChildSaRecord now = ChildSaTests.samePairs(pair, 1).getFirst();
        assertNotEquals(old.inboundSpi(), now.inboundSpi(), "rekeyed by rekey-time");
        assertEquals(
                1,
                pair.initiator.events.stream()
                        .filter("child rekeyed: net"::equals)
                        .count());

        pair.scheduler.advance(Duration.ofMinutes(54).minusMillis(1)); // the successor's own window starts later
        pair.scheduler.advance(Duration.ofMinutes(12));
        assertEquals(
                2,
                pair.initiator.events.stream()
                        .filter("child rekeyed: net"::equals)
                        .count());
        ChildSaTests.samePairs(pair, 1);
    }

    @Test
    void aChildSaNotRekeyedByItsLifeTimeIsDeletedOnBothEnds() throws Exception {
        ChildLifetimes l = ChildLifetimes.of(Duration.ZERO, Duration.ofMinutes(10), null);
        ExchangePair pair = new ExchangePair(
                ExchangeSettings.DEFAULT,
                List.of(child("net", "aes256gcm16", l)),
                List.of(child("net", "aes256gcm16", ChildLifetimes.DEFAULT)));
        IkeSaInfo info = established(pair);

        pair.scheduler.advance(Duration.ofMinutes(10));

        ChildSaTests.samePairs(pair, 0);
        assertEquals(List.of("child: net", "established", "child deleted: net"), pair.initiator.events);
        assertEquals(List.of("child: net", "established", "child deleted: net"), pair.responder.events);
        assertTrue(
                ExchangeEngineTest.sa(pair.initiator, info).children().entries().isEmpty());
        assertEquals(0, pair.initiator.counters.getSa("unexpected-response"));
    }

    @Test
    void aFailedRekeyLeavesTheChildSaServingAndIsTriedAgainUntilItsLifeTimeEnds() throws Exception {
        ExchangePair pair = new ExchangePair(
                ExchangeSettings.DEFAULT,
                PFS,
                List.of(child("net", "aes256gcm16", ChildLifetimes.DEFAULT))); // the responder does no PFS
        IkeSaInfo info = established(pair);
        ChildSaRecord old = pair.initiator.installer.installed().getFirst();
        long keys = undestroyed(pair);

        CompletableFuture<ChildSaRecord> f = pair.initiator.gateway.rekeyChild(info.spiI(), old.inboundSpi());

        assertTrue(f.isCompletedExceptionally());
        assertEquals(old, ChildSaTests.samePairs(pair, 1).getFirst(), "the old one serves on");
        pair.scheduler.advance(ChildSaTable.REKEY_RETRY.multipliedBy(2));
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.CREATE_CHILD_SA, false)), "tried again");
        assertEquals(keys, undestroyed(pair));
        pair.scheduler.advance(ChildLifetimes.DEFAULT.lifeTime());
        ChildSaTests.samePairs(pair, 0);
        assertEquals(keys, undestroyed(pair));
    }

    @Test
    void aThousandRekeysLeaveNoKeyOutstanding() throws Exception {
        ExchangePair pair = new ExchangePair(ExchangeSettings.DEFAULT, PFS, PFS);
        pair.initiator.crypto.pooledKeys(); // the key shares are still handed out and tracked, only cheaper to make
        pair.responder.crypto.pooledKeys();
        IkeSaInfo info = established(pair);
        long keys = undestroyed(pair);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            ExchangePair.Side side = i % 2 == 0 ? pair.initiator : pair.responder;
            int spi = side.installer.installed().getFirst().inboundSpi();
            get(side.gateway.rekeyChild(info.spiI(), spi));
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        ChildSaTests.samePairs(pair, 1);
        assertEquals(keys, undestroyed(pair), "every key share and KEYMAT destroyed");
        assertEquals(
                1,
                ExchangeEngineTest.sa(pair.initiator, info).children().entries().size());
        assertEquals(
                1,
                ExchangeEngineTest.sa(pair.responder, info).children().entries().size());
        System.out.println("1000 CHILD_SA rekeys with PFS (pooled ECP-256 pairs) in memory: " + ms + " ms");
    }
}
