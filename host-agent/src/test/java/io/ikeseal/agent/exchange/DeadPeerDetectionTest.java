package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.expect;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.wire.ExchangeType;

/**
 * Dead peer detection (RFC 7296 §1.4, §2.4; issue 10 item 3) on the in-memory harness: a liveness check only after
 * {@code dpd-delay} of silence, none while the peer's messages arrive, and a silent peer's SA closed without a Delete
 * exchange within dpd-delay + {@link ExchangeSettings#giveUpAfter()}, announced by {@code livenessFailed}.
 */
class DeadPeerDetectionTest {
    static final Duration DPD = Duration.ofSeconds(30);

    static LivePair pair(Liveness.Action action) {
        return new LivePair(
                ExchangeSettings.DEFAULT, new Liveness(DPD, action, Liveness.Action.NONE), Liveness.DEFAULT);
    }

    static IkeSaInfo established(LivePair p) throws Exception {
        IkeSaInfo info = get(p.initiate(p.initiator));
        expect("the responder established", () -> p.responder.events.contains("established"));
        return info;
    }

    /** Liveness checks (empty INFORMATIONAL requests) the initiator sent so far. */
    static long checks(LivePair p) {
        return p.network.count(
                pk -> pk.is(ExchangeType.INFORMATIONAL, false) && pk.from().equals(ExchangePair.BRANCH));
    }

    @Test
    void aCheckGoesOnlyAfterTheDelayOfSilenceAndAnAnswerKeepsTheSa() throws Exception {
        LivePair p = pair(Liveness.Action.CLEAR);
        established(p);
        p.scheduler.advance(DPD.minusMillis(1));
        assertEquals(0, checks(p), "no check before dpd-delay of silence");
        p.scheduler.advance(Duration.ofMillis(1));
        assertEquals(1, checks(p), "one check once the peer was silent for dpd-delay");
        p.scheduler.advance(DPD.minusMillis(1));
        assertEquals(1, checks(p), "its answer counts as a message from the peer");
        p.scheduler.advance(Duration.ofMillis(1));
        assertEquals(2, checks(p));
        assertEquals(List.of("child: net", "established"), p.initiator.events);
        assertEquals(
                0,
                p.network.count(pk ->
                        pk.is(ExchangeType.INFORMATIONAL, false) && pk.from().equals(ExchangePair.GATEWAY)),
                "the responder, without dpd-delay, never checks");
    }

    @Test
    void aCheckAnsweredOnlyAfterSeveralRetransmissionsKeepsTheWatchGoing() throws Exception {
        LivePair p = pair(Liveness.Action.CLEAR);
        established(p);
        // The check at 30 s and its first 4 retransmissions are lost; the 5th (at 30 + 2 + 3.6 + 6.48 + 11.66 +
        // 20.99 = 74.7 s) is answered, after the next dpd-delay fell due (60 s) while the check was in flight.
        p.network.on(
                pk -> pk.is(ExchangeType.INFORMATIONAL, false) && pk.from().equals(ExchangePair.BRANCH),
                5,
                MemoryNetwork.Action.DROP);
        p.scheduler.advance(Duration.ofSeconds(75));
        assertEquals(6, checks(p), "one check, five retransmissions");
        assertEquals(List.of("child: net", "established"), p.initiator.events, "answered in time: alive");
        p.scheduler.advance(Duration.ofSeconds(30));
        assertEquals(7, checks(p), "the next check, dpd-delay after the late answer");
    }

    @Test
    void messagesFromThePeerPostponeTheCheck() throws Exception {
        LivePair p = pair(Liveness.Action.CLEAR);
        IkeSaInfo info = established(p);
        p.scheduler.advance(Duration.ofSeconds(20));
        // The responder's own liveness check reaches the initiator: an authentic message from the peer.
        assertTrue(get(p.responder.gateway.checkLiveness(info.spiI())));
        p.scheduler.advance(Duration.ofSeconds(20)); // 40 s after establishment, 20 s after the peer's message
        assertEquals(0, checks(p), "no check while the peer's messages arrive");
        p.scheduler.advance(Duration.ofSeconds(10)); // 30 s of silence
        assertEquals(1, checks(p));
    }

    @Test
    void aSilentPeersSaGoesWithinTheBoundWithoutDeleteAndLivenessFailed() throws Exception {
        LivePair p = pair(Liveness.Action.CLEAR);
        established(p);
        p.network.on(pk -> pk.to().equals(ExchangePair.GATEWAY), 1000, MemoryNetwork.Action.DROP);
        Duration bound = DPD.plus(p.settings.giveUpAfter());
        p.scheduler.advance(bound.minusMillis(1));
        assertEquals(List.of("child: net", "established"), p.initiator.events, "still up just before the bound");
        assertEquals(1 + p.settings.retransmitTries(), checks(p), "the check and its retransmissions, nothing else");
        p.scheduler.advance(Duration.ofMillis(1));
        List<String> ev = p.initiator.events;
        assertEquals(
                List.of(
                        "child: net",
                        "established",
                        "dead: no answer to a liveness check after " + p.settings.retransmitTries()
                                + " retransmissions",
                        "child deleted: net",
                        "deleted: dead peer: no answer to a liveness check after " + p.settings.retransmitTries()
                                + " retransmissions"),
                ev);
        assertEquals(1 + p.settings.retransmitTries(), checks(p), "no Delete exchange to a dead peer");
        assertTrue(p.initiator.installer.installed().isEmpty(), "its CHILD_SA is gone from the installer");
        assertEquals(List.of("gateway true DEAD_PEER"), p.initiatorEnds);
    }

    @Test
    void thePeersDeleteIsTheCauseThatCloseActionSees() throws Exception {
        LivePair p = pair(Liveness.Action.RESTART);
        IkeSaInfo info = established(p);
        p.responder.gateway.deleteAll("operator", Duration.ofSeconds(1));
        assertEquals(List.of("gateway true PEER_DELETE"), p.initiatorEnds);
        assertEquals(List.of("branch true LOCAL_DELETE"), p.responderEnds);
        assertTrue(p.initiator.gateway.sa(info.spiI()).isEmpty());
    }

    @Test
    void everyDpdActionClosesTheSaTheSameWayItsSupervisorDecidesTheRest() throws Exception {
        for (Liveness.Action action : Liveness.Action.values()) {
            LivePair p = pair(action);
            established(p);
            p.network.on(pk -> pk.to().equals(ExchangePair.GATEWAY), 1000, MemoryNetwork.Action.DROP);
            p.scheduler.advance(DPD.plus(p.settings.giveUpAfter()));
            assertEquals(List.of("gateway true DEAD_PEER"), p.initiatorEnds, action.configName());
            assertTrue(p.initiator.events.stream().anyMatch(e -> e.startsWith("dead: ")), action.configName());
        }
    }
}
