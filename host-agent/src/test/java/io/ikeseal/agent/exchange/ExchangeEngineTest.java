package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.WireWriter;
import io.ikeseal.hsm.api.DhGroup;

/**
 * The exchange engine on the in-memory harness ({@link ExchangePair}): exact interleavings of lost, duplicated,
 * held and reordered messages against RFC 7296 §1.2-§2.6, timers moved by hand. PSK authentication; the software
 * token port counts its calls, so "answered from the cache" is told apart from "worked again".
 */
class ExchangeEngineTest {
    static final ExchangeSettings SETTINGS = ExchangeSettings.DEFAULT;

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    /**
     * Everything runs on the test's thread (inline executors, a software port and an audit sink that complete at
     * once), so what a step causes has happened when the step returns: a condition is checked, never waited for.
     */
    static void expect(String what, BooleanSupplier condition) {
        assertTrue(condition.getAsBoolean(), "expected: " + what);
    }

    /** Both ends established, and both SAs idle. */
    static IkeSaInfo established(ExchangePair pair) throws Exception {
        IkeSaInfo info = get(pair.initiate());
        expect("the responder established", () -> pair.responder.events.contains("established"));
        idle(sa(pair.initiator, info));
        idle(pair.responder.gateway.sa(info.spiI()).orElseThrow());
        return info;
    }

    /** Waits until everything submitted to the SA's serial executor so far has run. */
    static void idle(IkeSa sa) throws Exception {
        CompletableFuture<Void> marker = new CompletableFuture<>();
        sa.exec().execute(() -> marker.complete(null));
        get(marker);
    }

    static IkeSa sa(ExchangePair.Side side, IkeSaInfo info) {
        return side.gateway.sa(info.spiI()).orElseThrow();
    }

    /** Runs {@code task} as one of the SA's own exchanges. */
    static void queue(IkeSa sa, InitiatorTask task) {
        sa.exec().execute(() -> sa.tasks().queue(task));
    }

    @Test
    void aPskHandshakeEstablishesBothEndsWithOneChildSa() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);

        assertEquals(
                List.of(
                        "IKE_SA_INIT #0 request",
                        "IKE_SA_INIT #0 response",
                        "IKE_AUTH #1 request",
                        "IKE_AUTH #1 response"),
                pair.network.log().stream().map(MemoryNetwork.Packet::toString).toList());
        ChildSaRecord mine = pair.initiator.installer.installed().getFirst();
        ChildSaRecord theirs = pair.responder.installer.installed().getFirst();
        assertEquals(mine.inboundSpi(), theirs.outboundSpi());
        assertEquals(mine.outboundSpi(), theirs.inboundSpi());
        assertEquals("branch.example", info.localId());
        for (ExchangePair.Side s : List.of(pair.initiator, pair.responder)) {
            assertEquals(1, s.crypto.calls("generateShare"));
            assertEquals(1, s.crypto.calls("ikeSaKeys"));
            assertEquals(1, s.crypto.calls("childKeymat"));
            assertEquals(2, s.crypto.calls("pskAuth"), "our AUTH and the check of the peer's");
            assertEquals(List.of("child: net", "established"), s.events);
        }
    }

    @Test
    void aSignatureHandshakeChecksCertificatesBothWays() throws Exception {
        ExchangePair pair = new ExchangePair(
                SETTINGS,
                Set.of(DhGroup.ECP_256),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1,
                true);
        IkeSaInfo info = established(pair);
        assertEquals("gw.example", info.remoteId());
        assertTrue(info.remoteAuth().contains("signature"), info.remoteAuth());
        assertTrue(pair.network.log().stream().anyMatch(p -> p.is(ExchangeType.IKE_SA_INIT, true)));
        for (ExchangePair.Side s : List.of(pair.initiator, pair.responder)) {
            assertEquals(0, s.crypto.calls("pskAuth"));
            assertEquals(List.of("child: net", "established"), s.events);
        }
    }

    @Test
    void aLostResponseIsRetransmittedForAndAnsweredFromTheCacheWithoutNewWork() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, true), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        expect("the responder established", () -> pair.responder.events.contains("established"));
        assertFalse(f.isDone());
        int psk = pair.responder.crypto.calls("pskAuth");

        pair.scheduler.advance(SETTINGS.retransmitDelay(0));
        get(f);
        assertEquals(psk, pair.responder.crypto.calls("pskAuth"), "no new token work for a retransmission");
        assertEquals(1, pair.responder.crypto.calls("childKeymat"));
        assertEquals(1, pair.responder.counters.getSa("retransmission-answered"));
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.IKE_AUTH, false)));
    }

    @Test
    void aLostResponseWithCertificatesIsSealedAgainForTheRetransmission() throws Exception {
        // The responder keeps an answer with certificates as its payloads, not as sealed octets (CachedAnswer): the
        // retransmitted copy is the same message under a fresh IV, and the initiator takes it.
        ExchangePair pair = new ExchangePair(
                SETTINGS,
                Set.of(DhGroup.ECP_256),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1,
                true);
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, true), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        expect("the responder established", () -> pair.responder.events.contains("established"));
        int signatures = pair.responder.crypto.calls("childKeymat");

        pair.scheduler.advance(SETTINGS.retransmitDelay(0));
        assertEquals("gw.example", get(f).remoteId());
        assertEquals(signatures, pair.responder.crypto.calls("childKeymat"), "no new token work");
        assertEquals(1, pair.responder.counters.getSa("retransmission-answered"));
        List<MemoryNetwork.Packet> answers = pair.network.log().stream()
                .filter(p -> p.is(ExchangeType.IKE_AUTH, true))
                .toList();
        assertEquals(2, answers.size());
        assertEquals(answers.get(0).octets().length, answers.get(1).octets().length);
        assertFalse(
                java.util.Arrays.equals(answers.get(0).octets(), answers.get(1).octets()),
                "sealed again under a fresh IV");
    }

    @Test
    void aLostRequestIsRetransmitted() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, false), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        assertEquals(0, pair.responder.crypto.calls("pskAuth"));
        pair.scheduler.advance(SETTINGS.retransmitDelay(0));
        get(f);
        assertEquals(2, pair.responder.crypto.calls("pskAuth"));
    }

    @Test
    void aDuplicatedRequestIsWorkedOnOnce() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, false), 1, MemoryNetwork.Action.DUPLICATE);
        IkeSaInfo info = established(pair);
        assertEquals(2, pair.responder.crypto.calls("pskAuth"), "one check of the peer's AUTH, one AUTH of ours");
        // The copy finds the first still worked on (the audit hop), or already answered: never worked on twice.
        expect(
                "the copy dropped or answered from the cache",
                () -> pair.responder.counters.getSa("request-while-busy")
                                + pair.responder.counters.getSa("retransmission-answered")
                        == 1);

        // Once answered, a copy gets the cached answer (§2.1).
        long answered = pair.responder.counters.getSa("retransmission-answered");
        pair.network.on(p -> p.is(ExchangeType.INFORMATIONAL, false), 1, MemoryNetwork.Action.DUPLICATE);
        assertTrue(get(pair.initiator.gateway.checkLiveness(info.spiI())));
        expect(
                "the copy answered from the cache",
                () -> pair.responder.counters.getSa("retransmission-answered") == answered + 1);
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.INFORMATIONAL, true)));
    }

    @Test
    void retransmissionGivesUpAfterTheConfiguredTries() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.network.on(p -> p.to().equals(ExchangePair.GATEWAY), 100, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        pair.scheduler.advance(SETTINGS.giveUpAfter().plusSeconds(1));
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> get(f));
        assertInstanceOf(IkeSaFailure.class, e.getCause());
        assertTrue(
                e.getCause()
                        .getMessage()
                        .startsWith("no answer to IKE_SA_INIT #0 from 192.0.2.2:500 after " + SETTINGS.retransmitTries()
                                + " retransmissions"),
                e.getCause().getMessage());
        assertEquals(SETTINGS.retransmitTries() + 1, pair.network.count(p -> p.is(ExchangeType.IKE_SA_INIT, false)));
        assertEquals(0, pair.scheduler.pending());
    }

    @Test
    void aHalfOpenSaExpires() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, false), 100, MemoryNetwork.Action.DROP);
        assertFalse(pair.initiate().isDone());
        assertEquals(1, pair.responder.gateway.halfOpenCount());
        pair.scheduler.advance(SETTINGS.halfOpenTimeout());
        assertEquals(0, pair.responder.gateway.halfOpenCount());
        assertEquals(List.of("failed: half-open for 30 s without IKE_AUTH"), pair.responder.events);
    }

    @Test
    void createChildSaIsDroppedBeforeAuthenticationAndAnsweredAfter() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, false), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        IkeSa half = pair.initiator
                .gateway
                .sa(pair.network.log().getFirst().header().initiatorSpi())
                .orElseThrow();
        // Message ID 1 as CREATE_CHILD_SA, sealed with the SA's keys: authentic, but the peer is not authenticated.
        IkeHeader h = IkeHeader.of(half.spiI(), half.spiR(), ExchangeType.CREATE_CHILD_SA, true, false, 1);
        get(pair.network
                .sender(ExchangePair.BRANCH, ExchangePair.GATEWAY)
                .send(half.protection().messages().protect(h, List.of())));
        assertEquals(1, pair.responder.counters.getSa("exchange-not-allowed-in-half_open"));
        assertEquals(0, pair.network.count(p -> p.is(ExchangeType.CREATE_CHILD_SA, true)));

        pair.scheduler.advance(SETTINGS.retransmitDelay(0));
        IkeSaInfo info = get(f);
        CompletableFuture<IkeMessage> answer = new CompletableFuture<>();
        queue(sa(pair.initiator, info), new InitiatorTask() {
            @Override
            public void start() {
                sa(pair.initiator, info).tasks().send(this, ExchangeType.CREATE_CHILD_SA, List.of());
            }

            @Override
            public void onResponse(IkeMessage response, IkeDatagram datagram) {
                answer.complete(response);
            }
        });
        // answered now, and as the RFC says for a request without its mandatory Ni (§1.3.1, §3.10.1)
        assertEquals(
                NotifyType.INVALID_SYNTAX,
                get(answer).error().map(NotifyPayload::notifyType).orElse(0));
    }

    @Test
    void aLivenessCheckIsAnEmptyInformationalAndASilentPeerLosesTheSa() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        assertTrue(get(pair.initiator.gateway.checkLiveness(info.spiI())));
        assertEquals(1, pair.network.count(p -> p.is(ExchangeType.INFORMATIONAL, true)));

        pair.network.on(p -> p.to().equals(ExchangePair.GATEWAY), 100, MemoryNetwork.Action.DROP);
        CompletableFuture<Boolean> alive = pair.initiator.gateway.checkLiveness(info.spiI());
        expect("the check sent", () -> pair.network.count(p -> p.is(ExchangeType.INFORMATIONAL, false)) == 2);
        pair.scheduler.advance(SETTINGS.giveUpAfter().plusSeconds(1));
        assertFalse(get(alive));
        // Issue 10: a dead peer is announced (livenessFailed) and its SA closed without a Delete exchange.
        assertEquals(
                List.of(
                        "dead: no answer to a liveness check after " + SETTINGS.retransmitTries() + " retransmissions",
                        "child deleted: net",
                        "deleted: dead peer: no answer to a liveness check after " + SETTINGS.retransmitTries()
                                + " retransmissions"),
                pair.initiator.events.subList(2, pair.initiator.events.size()));
        assertTrue(pair.initiator.installer.installed().isEmpty());
    }

    @Test
    void deletingTheIkeSaClosesBothEndsAndTheirChildSas() throws Exception {
        ExchangePair pair = new ExchangePair();
        established(pair);
        pair.initiator.gateway.deleteAll("bye", Duration.ofSeconds(5));
        assertEquals("deleted: bye", pair.initiator.events.getLast());
        assertEquals("deleted: deleted by the peer", pair.responder.events.getLast());
        assertTrue(pair.initiator.installer.installed().isEmpty());
        assertTrue(pair.responder.installer.installed().isEmpty());
    }

    @Test
    void deletingAChildSaRemovesBothHalves() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        ChildSaRecord mine = pair.initiator.installer.installed().getFirst();
        CompletableFuture<IkeMessage> answer = new CompletableFuture<>();
        IkeSa sa = sa(pair.initiator, info);
        DeletePayload delete = new DeletePayload(
                ProtocolId.ESP,
                List.of(new WireWriter(4).u32(mine.inboundSpi() & 0xffffffffL).array()));
        queue(sa, new InitiatorTask() {
            @Override
            public void start() {
                sa.tasks().send(this, ExchangeType.INFORMATIONAL, List.of(delete));
            }

            @Override
            public void onResponse(IkeMessage response, IkeDatagram datagram) {
                answer.complete(response);
            }
        });
        DeletePayload theirs = get(answer).first(DeletePayload.class).orElseThrow();
        assertEquals(mine.outboundSpi(), IkeRandom.espSpiValue(theirs.spis().getFirst()));
        assertTrue(pair.responder.installer.installed().isEmpty());
    }

    @Test
    void aWindowOfTwoKeepsTwoRequestsInFlightAndAnswersThemInAnyOrder() throws Exception {
        ExchangePair pair = new ExchangePair(
                SETTINGS,
                Set.of(DhGroup.ECP_256),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                2);
        IkeSaInfo info = established(pair);
        pair.network.on(p -> p.is(ExchangeType.INFORMATIONAL, false), 2, MemoryNetwork.Action.HOLD);
        CompletableFuture<Boolean> first = pair.initiator.gateway.checkLiveness(info.spiI());
        CompletableFuture<Boolean> second = pair.initiator.gateway.checkLiveness(info.spiI());
        expect("both requests in flight", () -> pair.network.count(p -> p.is(ExchangeType.INFORMATIONAL, false)) == 2);
        pair.network.release(true); // #3 reaches the responder before #2
        assertTrue(get(first) && get(second));
        assertEquals(
                List.of(3L, 2L),
                pair.network.log().stream()
                        .filter(p -> p.is(ExchangeType.INFORMATIONAL, true))
                        .map(p -> p.header().messageId())
                        .toList());

        // With the default window of 1 the second waits for the first.
        ExchangePair one = new ExchangePair();
        IkeSaInfo i1 = established(one);
        one.network.on(p -> p.is(ExchangeType.INFORMATIONAL, false), 1, MemoryNetwork.Action.HOLD);
        CompletableFuture<Boolean> a = one.initiator.gateway.checkLiveness(i1.spiI());
        CompletableFuture<Boolean> b = one.initiator.gateway.checkLiveness(i1.spiI());
        expect("the first request", () -> one.network.count(p -> p.is(ExchangeType.INFORMATIONAL, false)) >= 1);
        assertEquals(1, one.network.count(p -> p.is(ExchangeType.INFORMATIONAL, false)), "the second waits");
        one.network.release(false);
        assertTrue(get(a) && get(b));
    }

    @Test
    void invalidKePayloadIsRetriedInTheGroupTheResponderNames() throws Exception {
        ExchangePair pair = new ExchangePair(
                SETTINGS,
                Set.of(DhGroup.ECP_256, DhGroup.ECP_384),
                List.of("aes256gcm16-prfsha256-ecp256-ecp384"),
                List.of("aes256gcm16-prfsha256-ecp384"),
                1);
        IkeSaInfo info = established(pair);
        assertEquals(DhGroup.ECP_384, info.suite().group());
        assertEquals(2, pair.initiator.crypto.calls("generateShare"));
        assertEquals(1, pair.responder.crypto.calls("generateShare"), "INVALID_KE_PAYLOAD costs no token call");
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.IKE_SA_INIT, false)));
    }

    @Test
    void aCookieIsDemandedAboveTheThresholdAndTheRetryCostsOneKeyShare() throws Exception {
        ExchangePair pair = new ExchangePair(
                SETTINGS.withHalfOpen(SETTINGS.halfOpenTimeout(), 0),
                Set.of(DhGroup.ECP_256),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1);
        established(pair);
        assertEquals(1, pair.responder.counters.getSa("cookie-sent"));
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.IKE_SA_INIT, false)));
        assertEquals(1, pair.responder.crypto.calls("generateShare"));
        assertEquals(1, pair.initiator.crypto.calls("generateShare"), "the retry keeps our key share");
    }
}
