package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.wire.ExchangeType;

/**
 * Both ends rekey the same CHILD_SA at once (RFC 7296 §2.8.1), and a rekey crosses a Delete of the same CHILD_SA
 * (§2.25.1): one CHILD_SA survives on both ends, every other is deleted once, and no key is left behind.
 */
class ChildSaCollisionTest {

    private static long undestroyed(ExchangePair pair) {
        return pair.initiator.crypto.undestroyed() + pair.responder.crypto.undestroyed();
    }

    private static long count(ExchangePair.Side side, String event) {
        return side.events.stream().filter(event::equals).count();
    }

    /**
     * The first octets of the four nonces: the initiator's request (Ni of exchange A) and its answer to the
     * responder's request (Nr of exchange B), the responder's request (Ni of B) and its answer (Nr of A).
     */
    @ParameterizedTest(name = "NiA={0} NrB={1} NiB={2} NrA={3}: A redundant {4}")
    @CsvSource({
        "16, 128, 144, 160, true", // Ni of A lowest
        "128, 144, 160, 16, true", // Nr of A lowest
        "128, 144, 16, 160, false", // Ni of B lowest
        "128, 16, 144, 160, false" // Nr of B lowest
    })
    void simultaneousRekeysKeepTheChildSaOfTheExchangeWithoutTheLowestNonce(
            int niA, int nrB, int niB, int nrA, boolean aRedundant) throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        long keys = undestroyed(pair);
        ChildSaRecord oldA = pair.initiator.installer.installed().getFirst();
        ChildSaRecord oldB = pair.responder.installer.installed().getFirst();
        pair.initiator.random.nonces(niA, nrB);
        pair.responder.random.nonces(niB, nrA);
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, false), 2, MemoryNetwork.Action.HOLD);
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, true), 2, MemoryNetwork.Action.HOLD);

        CompletableFuture<ChildSaRecord> a = pair.initiator.gateway.rekeyChild(info.spiI(), oldA.inboundSpi());
        CompletableFuture<ChildSaRecord> b = pair.responder.gateway.rekeyChild(info.spiI(), oldB.inboundSpi());
        pair.network.release(false); // both requests cross: each end answers the other's (the responses are held)
        assertFalse(a.isDone() || b.isDone());
        pair.network.release(false);

        ChildSaRecord survivor = ChildSaTests.samePairs(pair, 1).getFirst();
        // the initiator installed: its first CHILD_SA, exchange B's (answering), exchange A's (its own)
        assertEquals(3, pair.initiator.keys.installs.size());
        ChildSaRecord fromB = pair.initiator.keys.installs.get(1);
        ChildSaRecord fromA = pair.initiator.keys.installs.get(2);
        assertEquals(aRedundant ? fromB : fromA, survivor);
        assertEquals(survivor, get(a));
        assertEquals(survivor.outboundSpi(), get(b).inboundSpi());
        for (ExchangePair.Side side : new ExchangePair.Side[] {pair.initiator, pair.responder}) {
            assertEquals(2, count(side, "child rekeyed: net"), side.events.toString());
            assertEquals(2, count(side, "child deleted: net"), "the old one and the redundant one, once each");
        }
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.INFORMATIONAL, false)), "two Deletes");
        pair.scheduler.advance(Duration.ofMinutes(5)); // the responders' fallback finds nothing left to delete
        ChildSaTests.samePairs(pair, 1);
        assertEquals(2, pair.network.count(p -> p.is(ExchangeType.INFORMATIONAL, false)));
        assertEquals(keys, undestroyed(pair));
    }

    /** The peer's Delete is on its way when we rekey: TEMPORARY_FAILURE, and the retry finds nothing to rekey. */
    @Test
    void aRekeyOfAChildSaThePeerIsDeletingEndsWithNoChildSaAndNoDuplicate() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        long keys = undestroyed(pair);
        IkeSa theirs = ExchangeEngineTest.sa(pair.responder, info);
        pair.network.on(p -> p.is(ExchangeType.INFORMATIONAL, false), 1, MemoryNetwork.Action.HOLD);
        theirs.exec()
                .execute(() ->
                        theirs.children().delete(theirs.children().entries().getFirst(), "by hand"));

        ChildSaRecord old = pair.initiator.installer.installed().getFirst();
        CompletableFuture<ChildSaRecord> f = pair.initiator.gateway.rekeyChild(info.spiI(), old.inboundSpi());
        assertFalse(f.isDone(), "TEMPORARY_FAILURE: retried later");
        pair.network.release(false); // the Delete arrives
        pair.scheduler.advance(Duration.ofSeconds(3));

        assertThrows(ExecutionException.class, () -> get(f));
        ChildSaTests.samePairs(pair, 0);
        assertEquals(1, count(pair.initiator, "child deleted: net"));
        assertEquals(1, count(pair.responder, "child deleted: net"));
        assertEquals(0, count(pair.initiator, "child rekeyed: net"));
        assertEquals(keys, undestroyed(pair));
    }

    /** Our rekey request is on its way when the peer deletes the CHILD_SA: CHILD_SA_NOT_FOUND, and no fresh one. */
    @Test
    void aDeleteCrossingOurRekeyEndsWithNoChildSaAndNoDuplicate() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        long keys = undestroyed(pair);
        ChildSaRecord old = pair.initiator.installer.installed().getFirst();
        pair.network.on(p -> p.is(ExchangeType.CREATE_CHILD_SA, false), 1, MemoryNetwork.Action.HOLD);
        CompletableFuture<ChildSaRecord> f = pair.initiator.gateway.rekeyChild(info.spiI(), old.inboundSpi());

        IkeSa theirs = ExchangeEngineTest.sa(pair.responder, info);
        theirs.exec()
                .execute(() ->
                        theirs.children().delete(theirs.children().entries().getFirst(), "by hand"));
        pair.network.release(false); // our rekey arrives after the Delete exchange

        ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
        assertTrue(
                e.getCause().getMessage().contains("CHILD_SA_NOT_FOUND"),
                e.getCause().getMessage());
        pair.scheduler.advance(Duration.ofMinutes(5));
        ChildSaTests.samePairs(pair, 0);
        assertEquals(1, count(pair.initiator, "child deleted: net"));
        assertEquals(
                0,
                pair.initiator.events.stream()
                        .filter(s -> s.startsWith("child failed"))
                        .count());
        assertEquals(keys, undestroyed(pair));
    }
}
