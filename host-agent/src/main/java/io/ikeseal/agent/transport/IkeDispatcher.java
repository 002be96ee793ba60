package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.NotifyType;

/**
 * Routes decoded messages by our SPI (see {@link IkeSpiTable#ourSpi}): to the SA registered under it, IKE_SA_INIT
 * requests to the {@link IkeSaInitListener}, and what may be answered outside any SA on to
 * {@link UnprotectedResponder} as an {@link UnprotectedNotify}. Each SA and the listener get an {@link IkeSender}
 * back to the datagram's sender from the socket it arrived on. Everything else is a counted drop.
 *
 * <p>Answered outside an SA, and only for requests (responses never are, §1.5): INVALID_MAJOR_VERSION for a higher
 * major version (§2.5); UNSUPPORTED_CRITICAL_PAYLOAD in an IKE_SA_INIT request (§2.5, §2.21.1); optionally
 * INVALID_IKE_SPI for a protected request under an unknown SPI (§1.5, §2.21.4). Never INVALID_SYNTAX (§3.10.1).
 */
@Sharable
public final class IkeDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IkeDispatcher.class);

    private final IkeSpiTable spis;
    private final IkeSaInitListener initListener;
    private final DropCounters counters;
    private final boolean answerInvalidIkeSpi;
    private final SendBarrier barrier;

    /** As the other constructor, for senders that carry no token results. */
    public IkeDispatcher(
            IkeSpiTable spis, IkeSaInitListener initListener, DropCounters counters, boolean answerInvalidIkeSpi) {
        this(spis, initListener, counters, answerInvalidIkeSpi, SendBarrier.NONE);
    }

    /**
     * @param answerInvalidIkeSpi answer protected requests under unknown SPIs (a MAY of RFC 7296 §2.21.4)
     * @param barrier             what the reply senders' messages wait for (docs/audit.md)
     */
    public IkeDispatcher(
            IkeSpiTable spis,
            IkeSaInitListener initListener,
            DropCounters counters,
            boolean answerInvalidIkeSpi,
            SendBarrier barrier) {
        this.barrier = barrier;
        this.spis = spis;
        this.initListener = initListener;
        this.counters = counters;
        this.answerInvalidIkeSpi = answerInvalidIkeSpi;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case IkeDatagram d -> dispatch(ctx, d);
            case MalformedIkeRequest r -> dispatchMalformed(ctx, r);
            default -> ctx.fireChannelRead(msg);
        }
    }

    private void dispatch(ChannelHandlerContext ctx, IkeDatagram d) {
        IkeHeader h = d.message().header();
        if (h.initiatorSpi() == 0) {
            counters.count(DropReason.ZERO_INITIATOR_SPI);
        } else if (isInitRequest(h)) {
            if (h.responderSpi() != 0 || !h.fromInitiator()) {
                counters.count(DropReason.INIT_REQUEST_HEADER);
                return;
            }
            IkeSender replies = replies(ctx, d.sender(), d.recipient(), d.natT());
            deliver("IKE_SA_INIT listener", () -> initListener.ikeSaInitRequest(d, replies));
        } else {
            IkeSaInbox sa = spis.lookup(IkeSpiTable.ourSpi(h));
            if (sa != null) {
                IkeSender replies = replies(ctx, d.sender(), d.recipient(), d.natT());
                deliver("IKE SA inbox", () -> sa.receive(d, replies));
                return;
            }
            counters.count(DropReason.UNKNOWN_SPI);
            if (answerInvalidIkeSpi && h.isRequest() && d.message().isSealed()) {
                ctx.fireChannelRead(UnprotectedNotify.invalidIkeSpi(h, d.sender()));
            }
        }
    }

    private void dispatchMalformed(ChannelHandlerContext ctx, MalformedIkeRequest r) {
        IkeHeader h = r.header();
        if (r.notifyType() == NotifyType.INVALID_MAJOR_VERSION) {
            // We cannot read the message, so no SA of ours can: answer whatever the exchange (§2.5).
            ctx.fireChannelRead(new UnprotectedNotify(h, r.notifyType(), r.notifyData(), r.sender()));
        } else if (isInitRequest(h)) {
            if (r.notifyType() == NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD
                    && h.initiatorSpi() != 0
                    && h.responderSpi() == 0
                    && h.fromInitiator()) {
                ctx.fireChannelRead(new UnprotectedNotify(h, r.notifyType(), r.notifyData(), r.sender()));
            }
            // INVALID_SYNTAX before any SA exists: dropped, as counted by the decoder (§3.10.1).
        } else {
            IkeSaInbox sa = h.initiatorSpi() == 0 ? null : spis.lookup(IkeSpiTable.ourSpi(h));
            if (sa != null) {
                IkeSender replies = replies(ctx, r.sender(), r.recipient(), r.natT());
                deliver("IKE SA inbox", () -> sa.receiveMalformed(r, replies));
            }
        }
    }

    private static boolean isInitRequest(IkeHeader h) {
        return h.exchangeType() == ExchangeType.IKE_SA_INIT.code() && h.isRequest();
    }

    private IkeSender replies(
            ChannelHandlerContext ctx, InetSocketAddress peer, InetSocketAddress local, boolean natT) {
        return new ChannelIkeSender(ctx.channel(), local, peer, natT, barrier);
    }

    private void deliver(String to, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            counters.count(DropReason.HANDLER_FAILED);
            LOG.warn("{} failed: {}", to, e.toString());
        }
    }
}
