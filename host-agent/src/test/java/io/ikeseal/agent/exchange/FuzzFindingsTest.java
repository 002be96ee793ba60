package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.PayloadType;

/**
 * What {@link ResponderFuzzTest} found, one test each, on the in-memory harness. Reproducers of the fuzz target
 * itself are kept in {@code ResponderFuzzTestInputs/}.
 */
class FuzzFindingsTest {
    /** An exchange type RFC 7296 §3.1 does not define (unassigned). */
    private static final int UNKNOWN_EXCHANGE = 99;

    /**
     * An authentic request of an unknown exchange type used to be opened; when its inner payloads were malformed,
     * the INVALID_SYNTAX answer had no exchange to name and the task died with a NullPointerException, leaving the
     * SA as it was. Such a request is now dropped unopened and counted, well-formed or not.
     */
    @Test
    void anAuthenticRequestOfAnUnknownExchangeTypeIsDroppedUnopened() throws Exception {
        ExchangePair pair = new ExchangePair();
        pair.network.on(p -> p.is(ExchangeType.IKE_AUTH, false), 1, MemoryNetwork.Action.DROP);
        CompletableFuture<IkeSaInfo> f = pair.initiate();
        IkeSa ours = pair.initiator
                .gateway
                .sa(pair.network.log().getFirst().header().initiatorSpi())
                .orElseThrow();
        KnownKeys keys = KnownKeys.of(ours);
        IkeHeader h = new IkeHeader(
                ours.spiI(),
                ours.spiR(),
                0,
                IkeHeader.MAJOR_VERSION,
                0,
                UNKNOWN_EXCHANGE,
                IkeHeader.FLAG_INITIATOR,
                1,
                0);
        byte[] malformed = keys.seal(h, PayloadType.NOTIFY.code(), new byte[] {0, 0, 0});
        List<NotifyPayload> notify = List.of(NotifyPayload.of(NotifyType.INITIAL_CONTACT));
        byte[] wellFormed = keys.seal(h, PayloadChain.firstType(notify), PayloadChain.encode(notify));
        for (byte[] d : List.of(malformed, wellFormed)) {
            ExchangeEngineTest.get(pair.network
                    .sender(ExchangePair.BRANCH, ExchangePair.GATEWAY)
                    .send(d));
        }

        assertEquals(2, pair.responder.counters.getSa("unknown-exchange-type"));
        assertEquals(
                0,
                pair.network.count(
                        p -> p.from().equals(ExchangePair.GATEWAY) && p.header().messageId() == 1));
        IkeSa theirs = pair.responder.gateway.sa(ours.spiI()).orElseThrow();
        assertEquals(IkeSaState.HALF_OPEN, theirs.state());
        pair.scheduler.advance(ExchangeEngineTest.SETTINGS.retransmitDelay(0));
        ExchangeEngineTest.get(f);
        assertTrue(pair.responder.events.contains("established"), "message ID 1 was not taken by the drops");
    }
}
