package io.ikeseal.agent.transport;

import io.netty.channel.ChannelPipeline;

import io.ikeseal.agent.wire.DecodeLimits;

/**
 * The stateless handlers all sockets share, and the order they go in. Inbound: [NAT-T framer], decoder,
 * dispatcher, unprotected responder (also the end of the exception path). Outbound: the encoder, which sits
 * before the decoder so that writes from the responder and from {@link IkeSender}s pass through it.
 */
final class IkeHandlers {
    private final NatTFramer framer;
    private final IkeDatagramEncoder ikeEncoder = new IkeDatagramEncoder(false);
    private final IkeDatagramEncoder natTEncoder = new IkeDatagramEncoder(true);
    private final IkeDatagramDecoder ikeDecoder;
    private final IkeDatagramDecoder natTDecoder;
    private final IkeDispatcher dispatcher;
    private final UnprotectedResponder responder;

    IkeHandlers(
            DropCounters counters,
            EspSink esp,
            IkeSpiTable spis,
            IkeSaInitListener initListener,
            TokenBucket answers,
            boolean answerInvalidIkeSpi,
            DecodeLimits limits,
            SendBarrier barrier) {
        framer = new NatTFramer(counters, esp);
        ikeDecoder = new IkeDatagramDecoder(counters, false, limits);
        natTDecoder = new IkeDatagramDecoder(counters, true, limits);
        dispatcher = new IkeDispatcher(spis, initListener, counters, answerInvalidIkeSpi, barrier);
        responder = new UnprotectedResponder(answers, counters);
    }

    void install(ChannelPipeline p, boolean natT) {
        if (natT) {
            p.addLast("nat-t-framer", framer);
        }
        p.addLast("ike-encoder", natT ? natTEncoder : ikeEncoder);
        p.addLast("ike-decoder", natT ? natTDecoder : ikeDecoder);
        p.addLast("ike-dispatcher", dispatcher);
        p.addLast("unprotected-responder", responder);
    }
}
