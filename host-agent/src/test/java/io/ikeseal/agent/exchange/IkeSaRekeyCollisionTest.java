package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static io.ikeseal.agent.exchange.IkeSaRekeyTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.wire.ExchangeType;

/**
 * Both ends rekey the IKE SA at once (RFC 7296 §2.8.2), for each place of the lowest of the four nonces: both
 * exchanges complete, the new SA made by the exchange with the lowest nonce is deleted by its initiator, the CHILD_SAs
 * end up on the survivor at both ends, the old SA goes once, and no key or SPI is left behind. And rekeys colliding
 * with a Delete of the IKE SA, in either order.
 */
class IkeSaRekeyCollisionTest {
    static final ExchangeSettings SETTINGS = ExchangeSettings.DEFAULT;

    /**
     * @param niB the first octet of the branch's Ni (its own exchange), nrB of the gateway's Nr in that exchange;
     *            niG and nrG the same for the gateway's exchange
     * @param branchSurvives whether the SA made by the branch's exchange survives
     * @param overtaken      the winner's Delete of the old SA reaches the other end before the response it awaits
     */
    @ParameterizedTest(name = "Ni(B)={0} Nr(B)={1} Ni(G)={2} Nr(G)={3} overtaken={5}")
    @CsvSource({
        "1, 16, 16, 16, false, false", // lowest: the branch's Ni; the branch deletes its own new SA
        "16, 1, 16, 16, false, false", // lowest: the gateway's Nr in the branch's exchange
        "16, 16, 1, 16, true, false", // lowest: the gateway's Ni
        "16, 16, 16, 1, true, false", // lowest: the branch's Nr in the gateway's exchange
        "1, 16, 16, 16, false, true",
        "16, 16, 1, 16, true, true"
    })
    void simultaneousRekeysBothCompleteAndTheLowestNonceLoses(
            int niB, int nrB, int niG, int nrG, boolean branchSurvives, boolean overtaken) throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldB = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldG = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        long keysB = pair.initiator.crypto.undestroyed();
        long keysG = pair.responder.crypto.undestroyed();
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, false), 2, MemoryNetwork.Action.HOLD);
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, true), 2, MemoryNetwork.Action.HOLD);

        pair.initiator.random.firstOctet = niB;
        CompletableFuture<IkeSaInfo> byB = pair.initiator.gateway.rekeyIkeSa(info.spiI());
        pair.responder.random.firstOctet = niG;
        CompletableFuture<IkeSaInfo> byG = pair.responder.gateway.rekeyIkeSa(info.spiI());
        pair.initiator.random.firstOctet = nrG; // the branch answers the gateway's exchange
        pair.responder.random.firstOctet = nrB;
        pair.network.release(false); // both requests: each end answers while its own is in flight
        assertFalse(byB.isDone() || byG.isDone());
        // Both responses. The loser's initiator hears first, unless (overtaken) the winner's initiator does and its
        // Delete of the old SA overtakes the other response: then that end learns the outcome from the Delete.
        pair.network.release(branchSurvives != overtaken);
        pair.scheduler.advance(SETTINGS.giveUpAfter().plusSeconds(1));
        pair.scheduler.advance(SETTINGS.closedLinger().plusSeconds(1));

        IkeSa survivorB = only(pair.initiator);
        IkeSa survivorG = only(pair.responder);
        assertEquals(survivorB.spiI(), survivorG.spiI());
        assertEquals(branchSurvives, survivorB.originalInitiator(), "the survivor is the expected exchange's SA");
        assertEquals(survivorB.spiI(), get(byB).spiI(), "both callers get the survivor");
        assertEquals(survivorB.spiI(), get(byG).spiI());
        assertTrue(oldB.isClosed() && oldG.isClosed());
        if (!overtaken) {
            assertEquals(2, pair.initiator.crypto.calls("rekeyedIkeSaKeys"), "both exchanges completed");
            assertEquals(2, pair.responder.crypto.calls("rekeyedIkeSaKeys"));
        }
        assertEquals(1, survivorB.children().list().size());
        assertEquals(1, survivorG.children().list().size());
        assertEquals(1, pair.initiator.installer.installed().size());
        assertEquals(1, pair.responder.installer.installed().size());
        assertEquals(1, pair.initiator.gateway.registeredSpis());
        assertEquals(1, pair.responder.gateway.registeredSpis());
        assertEquals(keysB, pair.initiator.crypto.undestroyed(), "the redundant SA's keys are destroyed");
        assertEquals(keysG, pair.responder.crypto.undestroyed());
        assertEquals(1, pair.initiator.events.stream().filter("rekeyed"::equals).count());
        assertEquals(1, pair.responder.events.stream().filter("rekeyed"::equals).count());
        assertFalse(pair.initiator.events.stream().anyMatch(e -> e.startsWith("deleted")), "nothing announced gone");
        assertFalse(pair.responder.events.stream().anyMatch(e -> e.startsWith("deleted")));
        assertTrue(get(pair.initiator.gateway.checkLiveness(survivorB.spiI())));
        assertTrue(get(pair.responder.gateway.checkLiveness(survivorB.spiI())));
        assertEquals(
                1,
                pair.network.count(p ->
                        p.is(ExchangeType.INFORMATIONAL, false) && p.header().initiatorSpi() == info.spiI()),
                "the old SA is deleted once");
    }

    @ParameterizedTest(name = "reversed={0}")
    @CsvSource({"false", "true"})
    void whenOneEndCompletesFirstItsRekeyIsTheOne(boolean reversed) throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        long keysB = pair.initiator.crypto.undestroyed();
        long keysG = pair.responder.crypto.undestroyed();
        ExchangePair.Side first = reversed ? pair.responder : pair.initiator;
        ExchangePair.Side second = reversed ? pair.initiator : pair.responder;
        // The second end's request is late: the first end's exchange and its Delete of the old SA pass it by.
        pair.network.on(
                p -> p.is(ExchangeType.CREATE_CHILD_SA, false)
                        && p.from().equals(reversed ? ExchangePair.BRANCH : ExchangePair.GATEWAY),
                1,
                MemoryNetwork.Action.HOLD);
        CompletableFuture<IkeSaInfo> late = second.gateway.rekeyIkeSa(info.spiI());
        IkeSaInfo now = get(first.gateway.rekeyIkeSa(info.spiI()));
        pair.network.release(false);
        pair.scheduler.advance(SETTINGS.closedLinger().plusSeconds(1));

        assertEquals(now.spiI(), get(late).spiI(), "the late end's caller gets the SA that replaced it");
        assertEquals(now.spiI(), only(pair.initiator).spiI());
        assertEquals(now.spiI(), only(pair.responder).spiI());
        assertEquals(1, only(second).children().list().size());
        assertEquals(keysB, pair.initiator.crypto.undestroyed());
        assertEquals(keysG, pair.responder.crypto.undestroyed());
        assertEquals(1, pair.initiator.gateway.registeredSpis());
        assertEquals(1, pair.responder.gateway.registeredSpis());
    }

    @ParameterizedTest(name = "the deleting end is the original initiator: {0}")
    @CsvSource({"true", "false"})
    void aRekeyMeetingADeleteLeavesNothing(boolean branchDeletes) throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        ExchangePair.Side deleting = branchDeletes ? pair.initiator : pair.responder;
        ExchangePair.Side rekeying = branchDeletes ? pair.responder : pair.initiator;
        pair.network.on(p -> p.is(ExchangeType.INFORMATIONAL, false), 1, MemoryNetwork.Action.HOLD);
        IkeSa d = deleting.gateway.sa(info.spiI()).orElseThrow();
        d.exec().execute(() -> d.deleteIkeSa("test"));
        // The rekey meets the deleting SA: TEMPORARY_FAILURE (§2.25.1), then the Delete arrives.
        CompletableFuture<IkeSaInfo> f = rekeying.gateway.rekeyIkeSa(info.spiI());
        pair.network.release(false);
        pair.scheduler.advance(SETTINGS.giveUpAfter().plusSeconds(1));
        pair.scheduler.advance(SETTINGS.closedLinger().plusSeconds(1));

        assertThrows(ExecutionException.class, () -> get(f));
        assertTrue(pair.initiator.gateway.established().isEmpty());
        assertTrue(pair.responder.gateway.established().isEmpty());
        assertEquals(0, pair.initiator.gateway.registeredSpis());
        assertEquals(0, pair.responder.gateway.registeredSpis());
        assertEquals(0, pair.initiator.installer.installed().size());
        assertEquals(0, pair.responder.installer.installed().size());
        assertEquals(0, rekeying.crypto.calls("rekeyedIkeSaKeys"));
        assertTrue(pair.network.count(p -> p.is(ExchangeType.CREATE_CHILD_SA, true)) >= 1, "TEMPORARY_FAILURE");
        assertEquals(leftAfterDelete(), pair.initiator.crypto.undestroyed(), "no key share or key left");
        assertEquals(leftAfterDelete(), pair.responder.crypto.undestroyed());
    }

    @ParameterizedTest(name = "the deleting end is the original initiator: {0}")
    @CsvSource({"true", "false"})
    void aDeleteOvertakingARekeyRequestLeavesNothing(boolean branchDeletes) throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        ExchangePair.Side deleting = branchDeletes ? pair.initiator : pair.responder;
        ExchangePair.Side rekeying = branchDeletes ? pair.responder : pair.initiator;
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, false), 1, MemoryNetwork.Action.HOLD);
        CompletableFuture<IkeSaInfo> f = rekeying.gateway.rekeyIkeSa(info.spiI());
        IkeSa d = deleting.gateway.sa(info.spiI()).orElseThrow();
        d.exec().execute(() -> d.deleteIkeSa("test"));
        pair.network.release(false); // the rekey request reaches an SA that is gone
        pair.scheduler.advance(SETTINGS.giveUpAfter().plusSeconds(1));
        pair.scheduler.advance(SETTINGS.closedLinger().plusSeconds(1));

        assertThrows(ExecutionException.class, () -> get(f));
        assertTrue(pair.initiator.gateway.established().isEmpty());
        assertTrue(pair.responder.gateway.established().isEmpty());
        assertEquals(0, pair.initiator.gateway.registeredSpis());
        assertEquals(0, pair.responder.gateway.registeredSpis());
        assertEquals(leftAfterDelete(), pair.initiator.crypto.undestroyed(), "no key share or key left");
        assertEquals(leftAfterDelete(), pair.responder.crypto.undestroyed());
    }

    /** What a plain establish-and-delete leaves in the software port (the installer's KEYMAT, if any). */
    private static long leftAfterDelete() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa s = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        s.exec().execute(() -> s.deleteIkeSa("test"));
        return pair.initiator.crypto.undestroyed();
    }
}
