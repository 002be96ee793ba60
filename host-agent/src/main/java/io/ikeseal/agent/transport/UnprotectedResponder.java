package io.ikeseal.agent.transport;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last inbound handler: sends each {@link UnprotectedNotify} back to its sender from the socket the request
 * came in on, if the shared {@link TokenBucket} allows (else {@link DropReason#ANSWER_RATE_LIMITED}), and counts
 * what left. It also ends the pipeline's exception path: whatever reaches it is counted as
 * {@link DropReason#PIPELINE_ERROR} and goes no further, so Netty never logs a stack trace for hostile input.
 */
@Sharable
public final class UnprotectedResponder extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UnprotectedResponder.class);

    private final TokenBucket bucket;
    private final DropCounters counters;

    public UnprotectedResponder(TokenBucket bucket, DropCounters counters) {
        this.bucket = bucket;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof UnprotectedNotify answer)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!bucket.tryAcquire()) {
            counters.count(DropReason.ANSWER_RATE_LIMITED);
            return;
        }
        OutboundIkeDatagram datagram = OutboundIkeDatagram.of(answer.message(), answer.sender());
        ctx.writeAndFlush(datagram).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                counters.countAnswer(answer.notifyType());
            } else {
                counters.count(DropReason.ANSWER_SEND_FAILED);
                LOG.debug("{} not sent: {}", answer, f.cause().toString());
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.count(DropReason.PIPELINE_ERROR);
        LOG.debug("on {}: {}", ctx.channel(), cause.toString());
    }
}
