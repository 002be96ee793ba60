package io.ikeseal.agent.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Randomised round trips: random valid payloads of every type encode, decode to the same fields, and re-encode to
 * the same octets. Each repetition has its own seed, named in failure messages, so a failure can be replayed.
 */
class PayloadRoundTripTest {
    private static final long BASE_SEED = 0x1CE5EA1L;

    @RepeatedTest(200)
    void everyPayloadTypeRoundTrips(RepetitionInfo rep) throws Exception {
        long seed = BASE_SEED + rep.getCurrentRepetition();
        RandomPayloads random = new RandomPayloads(seed);
        List<IkePayload> payloads = new ArrayList<>(random.oneOfEach());
        java.util.Collections.shuffle(payloads, new java.util.Random(seed));
        roundTrip(
                IkeHeader.of(
                        seed,
                        ~seed,
                        ExchangeType.IKE_AUTH,
                        rep.getCurrentRepetition() % 2 == 0,
                        false,
                        rep.getCurrentRepetition()),
                payloads,
                "seed " + seed);
    }

    @RepeatedTest(50)
    void sealedMessagesRoundTrip(RepetitionInfo rep) throws Exception {
        long seed = BASE_SEED * 31 + rep.getCurrentRepetition();
        RandomPayloads random = new RandomPayloads(seed);
        IkeHeader h = IkeHeader.of(seed, ~seed, ExchangeType.INFORMATIONAL, true, true, 7);
        roundTrip(h, List.of(random.sk()), "SK seed " + seed);
        roundTrip(h, List.of(random.skf()), "SKF seed " + seed);
        roundTrip(h, List.of(random.vendorId(), random.sk()), "V+SK seed " + seed);
    }

    @Test
    void emptyMessageRoundTrips() throws Exception {
        roundTrip(IkeHeader.of(1, 2, ExchangeType.INFORMATIONAL, false, true, 3), List.of(), "empty");
    }

    @Test
    void innerChainRoundTripsAsSkContent() throws Exception {
        List<IkePayload> inner = new RandomPayloads(42).oneOfEach();
        byte[] chain = PayloadChain.encode(inner);
        List<IkePayload> back =
                PayloadChain.decode(PayloadChain.firstType(inner), new WireReader(chain), DecodeLimits.DEFAULT, true);
        RecordAssert.assertSameFields(inner, back, "inner");
        assertArrayEquals(chain, PayloadChain.encode(back));
    }

    private static void roundTrip(IkeHeader h, List<IkePayload> payloads, String what) throws Exception {
        byte[] wire = new IkeMessage(h, payloads).encode();
        IkeMessage back = IkeMessageCodec.decode(wire);
        assertEquals(wire.length, back.header().length(), what);
        assertEquals(h.initiatorSpi(), back.header().initiatorSpi(), what);
        assertEquals(h.responderSpi(), back.header().responderSpi(), what);
        assertEquals(h.exchangeType(), back.header().exchangeType(), what);
        assertEquals(h.flags(), back.header().flags(), what);
        assertEquals(h.messageId(), back.header().messageId(), what);
        RecordAssert.assertSameFields(payloads, back.payloads(), what);
        assertArrayEquals(wire, back.encode(), what);
    }
}
