package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.hsm.api.DhGroup;

/**
 * IKE SA rekey (RFC 7296 §1.3.2, §2.18) on the in-memory harness: either end rekeys, the new SA's keys agree (its
 * messages are accepted both ways), the CHILD_SAs move without touching the installer, the old SA is gone at both
 * ends with its keys destroyed; lost messages, INVALID_KE_PAYLOAD, and many rekeys leaving nothing behind.
 */
class IkeSaRekeyTest {
    static final ExchangeSettings SETTINGS = ExchangeSettings.DEFAULT;

    /** The one live SA at {@code side}, which must be established. */
    static IkeSa only(ExchangePair.Side side) {
        List<IkeSa> live = liveSas(side);
        assertEquals(1, live.size(), "live SAs " + live);
        assertEquals(IkeSaState.ESTABLISHED, live.getFirst().state());
        return live.getFirst();
    }

    static List<IkeSa> liveSas(ExchangePair.Side side) {
        return side.gateway.established().stream()
                .map(i -> side.gateway.sa(i.spiI()).orElseThrow())
                .toList();
    }

    /** After a rekey from {@code info} to {@code now}: one SA at each end, the same one, with the CHILD_SAs. */
    static void rekeyedBothEnds(ExchangePair pair, IkeSaInfo info, IkeSa oldI, IkeSa oldR) throws Exception {
        IkeSa newI = only(pair.initiator);
        IkeSa newR = only(pair.responder);
        assertEquals(newI.spiI(), newR.spiI());
        assertEquals(newI.spiR(), newR.spiR());
        assertNotEquals(info.spiI(), newI.spiI());
        assertTrue(oldI.isClosed() && oldR.isClosed(), "the old SA is closed at both ends");
        assertTrue(oldI.keys().isDestroyed() && oldR.keys().isDestroyed(), "the old SA's keys are destroyed");
        for (IkeSa s : List.of(newI, newR)) {
            List<ChildSaRecord> children = s.children().list();
            assertEquals(
                    info.children().stream()
                            .map(ChildSaRecord::inboundSpi)
                            .toList()
                            .size(),
                    children.size());
            children.forEach(c -> assertEquals(s.spiI(), c.ikeSpiI(), "the record names the new IKE SA"));
        }
        assertEquals(
                info.children().stream().map(ChildSaRecord::outboundSpi).toList(),
                newI.children().list().stream().map(ChildSaRecord::outboundSpi).toList());
        assertEquals(1, pair.initiator.installer.installed().size(), "the installer keeps the CHILD_SA");
        assertEquals(1, pair.responder.installer.installed().size());
        assertFalse(pair.initiator.events.stream().anyMatch(e -> e.startsWith("child deleted")));
        assertFalse(pair.responder.events.stream().anyMatch(e -> e.startsWith("child deleted")));
        // The new keys agree: each end's INFORMATIONAL on the new SA is opened and answered by the other.
        assertTrue(get(pair.initiator.gateway.checkLiveness(newI.spiI())));
        assertTrue(get(pair.responder.gateway.checkLiveness(newR.spiI())));
    }

    @Test
    void theOriginalInitiatorRekeysAndTheChildSasMove() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        long keysI = pair.initiator.crypto.undestroyed();
        long keysR = pair.responder.crypto.undestroyed();

        IkeSaInfo now = get(pair.initiator.gateway.rekeyIkeSa(info.spiI()));

        assertNotEquals(info.spiI(), now.spiI());
        rekeyedBothEnds(pair, info, oldI, oldR);
        assertEquals(1, pair.initiator.crypto.calls("rekeyedIkeSaKeys"));
        assertEquals(1, pair.responder.crypto.calls("rekeyedIkeSaKeys"));
        assertTrue(pair.initiator.events.contains("rekeyed"));
        assertTrue(pair.responder.events.contains("rekeyed"));
        assertFalse(pair.initiator.events.stream().anyMatch(e -> e.startsWith("deleted")), "no deletion announced");
        assertEquals(keysI, pair.initiator.crypto.undestroyed(), "old keys out, new keys in, no share left");
        assertEquals(keysR, pair.responder.crypto.undestroyed());
        assertTrue(now.originalInitiator(), "the rekey's initiator is the new SA's original initiator");
    }

    @Test
    void theOriginalResponderRekeys() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();

        IkeSaInfo now = get(pair.responder.gateway.rekeyIkeSa(info.spiI()));

        assertTrue(now.originalInitiator());
        rekeyedBothEnds(pair, info, oldI, oldR);
        assertFalse(only(pair.initiator).originalInitiator(), "roles follow the rekey (§2.18)");
    }

    @Test
    void aRekeyedSaRekeysAgainAndIsDeletedWithItsChildSas() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSaInfo second = get(pair.initiator.gateway.rekeyIkeSa(info.spiI()));
        IkeSaInfo third = get(pair.responder.gateway.rekeyIkeSa(second.spiI()));
        assertEquals(1, only(pair.initiator).children().list().size());

        pair.initiator.gateway.deleteAll("test over", java.time.Duration.ofSeconds(5));

        assertTrue(pair.initiator.gateway.sa(third.spiI()).isEmpty());
        assertTrue(pair.responder.gateway.sa(third.spiI()).isEmpty());
        assertEquals(0, pair.initiator.installer.installed().size(), "the moved CHILD_SA went with the new SA");
        assertEquals(0, pair.responder.installer.installed().size());
    }

    @Test
    void aLostRequestIsRetransmitted() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, false), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiator.gateway.rekeyIkeSa(info.spiI());
        assertFalse(f.isDone());

        pair.scheduler.advance(SETTINGS.retransmitDelay(0));

        get(f);
        rekeyedBothEnds(pair, info, oldI, oldR);
    }

    @Test
    void aLostResponseIsAnsweredFromTheCacheWithoutASecondNewSa() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, true), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiator.gateway.rekeyIkeSa(info.spiI());
        assertFalse(f.isDone());
        assertEquals(IkeSaState.REKEYED, oldR.state(), "the responder switched over when it answered");

        pair.scheduler.advance(SETTINGS.retransmitDelay(0));

        get(f);
        assertEquals(1, pair.responder.crypto.calls("rekeyedIkeSaKeys"), "the retransmission costs no token work");
        assertEquals(1, pair.responder.counters.getSa("retransmission-answered"));
        rekeyedBothEnds(pair, info, oldI, oldR);
    }

    @Test
    void theResponderClosesTheOldSaItselfWhenTheDeleteNeverComes() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        pair.network.on(p -> p.is(ExchangeType.INFORMATIONAL, false), 100, MemoryNetwork.Action.DROP);

        get(pair.initiator.gateway.rekeyIkeSa(info.spiI()));
        assertEquals(IkeSaState.REKEYED, oldR.state());

        pair.scheduler.advance(SETTINGS.giveUpAfter().plusSeconds(1));

        assertTrue(oldR.isClosed());
        assertTrue(oldR.keys().isDestroyed());
        assertEquals(1, only(pair.responder).children().list().size());
        assertEquals(1, pair.responder.installer.installed().size());
    }

    @Test
    void invalidKePayloadIsRetriedOnceWithTheNamedGroup() throws Exception {
        ExchangePair pair = new ExchangePair(
                SETTINGS,
                Set.of(DhGroup.ECP_256, DhGroup.ECP_384),
                List.of("aes256gcm16-prfsha256-ecp256-ecp384"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1);
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        long keys = pair.initiator.crypto.undestroyed();
        int shares = pair.initiator.crypto.calls("generateShare");
        CompletableFuture<IkeSaInfo> f = new CompletableFuture<>();
        // The initiator guesses ECP_384, which it offers but the responder does not accept (§1.2, §2.7).
        oldI.exec()
                .execute(() -> Continuations.inline(IkeSaRekeyInitiator.queue(oldI, DhGroup.ECP_384), (i, e) -> {
                    if (e == null) {
                        f.complete(i);
                    } else {
                        f.completeExceptionally(e);
                    }
                }));

        get(f);
        assertEquals(shares + 2, pair.initiator.crypto.calls("generateShare"), "the guess, then the named group");
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.CREATE_CHILD_SA, false)));
        rekeyedBothEnds(pair, info, oldI, oldR);
        assertEquals(keys, pair.initiator.crypto.undestroyed(), "the refused share was destroyed");
    }

    @Test
    void temporaryFailureIsRetriedAfterAShortRandomDelay() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        long keysI = pair.initiator.crypto.undestroyed();
        long keysR = pair.responder.crypto.undestroyed();
        pair.responder.crypto.failRekeys("token busy"); // the responder answers TEMPORARY_FAILURE (§2.25)

        CompletableFuture<IkeSaInfo> f = pair.initiator.gateway.rekeyIkeSa(info.spiI());
        assertFalse(f.isDone());
        assertEquals(IkeSaState.ESTABLISHED, oldI.state());
        pair.responder.crypto.failRekeys(null);
        pair.scheduler.advance(java.time.Duration.ofSeconds(2)); // the retry comes within 0.2 .. 2 s

        get(f);
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.CREATE_CHILD_SA, false)));
        rekeyedBothEnds(pair, info, oldI, oldR);
        pair.scheduler.advance(SETTINGS.closedLinger().plusSeconds(1));
        assertEquals(1, pair.responder.gateway.registeredSpis(), "the refused attempt's SA is gone");
        assertEquals(1, pair.initiator.gateway.registeredSpis());
        assertEquals(keysI, pair.initiator.crypto.undestroyed());
        assertEquals(keysR, pair.responder.crypto.undestroyed());
    }

    @Test
    void aThousandRekeysLeaveNoKeyAndNoSpiBehind() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        long keysI = pair.initiator.crypto.undestroyed();
        long keysR = pair.responder.crypto.undestroyed();
        long spi = info.spiI();
        for (int i = 0; i < 1000; i++) {
            ExchangePair.Side by = i % 2 == 0 ? pair.initiator : pair.responder;
            spi = get(by.gateway.rekeyIkeSa(spi)).spiI();
        }
        pair.scheduler.advance(SETTINGS.closedLinger().plusSeconds(1));

        // per end: the IKE SA's renewal and hard limit, its CHILD_SA's rekey and expiry; none of an old SA
        assertTrue(pair.scheduler.pending() <= 8, "no timer keeps an old SA: " + pair.scheduler.pending());
        assertEquals(keysI, pair.initiator.crypto.undestroyed());
        assertEquals(keysR, pair.responder.crypto.undestroyed());
        assertEquals(1, pair.initiator.gateway.registeredSpis());
        assertEquals(1, pair.responder.gateway.registeredSpis());
        assertEquals(1, only(pair.initiator).children().list().size());
        assertEquals(1, pair.initiator.installer.installed().size());
        assertEquals(1000, pair.initiator.crypto.calls("rekeyedIkeSaKeys"));
    }

    @Test
    void rekeyingAnUnknownSaFails() {
        ExchangePair pair = new ExchangePair();
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(pair.initiator.gateway.rekeyIkeSa(42)));
        assertTrue(e.getCause() instanceof IkeSaFailure);
    }
}
