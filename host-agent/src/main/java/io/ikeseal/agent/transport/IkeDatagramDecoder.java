package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.MalformedMessageException;

/**
 * Decodes each {@link DatagramPacket} into an {@link IkeDatagram}. A datagram that breaks RFC 7296's syntax is
 * counted by its {@link io.ikeseal.agent.wire.MalformedReason} and dropped; if it is a request whose failure has a
 * prescribed notification, a {@link MalformedIkeRequest} goes on instead so the dispatcher can decide whether it
 * may be answered. Responses are never answered (§1.5), so a malformed response is only counted. Nothing thrown
 * here reaches Netty. On the NAT-T socket this runs after {@link NatTFramer}, which has removed the marker.
 */
@Sharable
public final class IkeDatagramDecoder extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(IkeDatagramDecoder.class);

    private final DropCounters counters;
    private final boolean natT;
    private final DecodeLimits limits;

    /** @param natT this is the NAT-T socket's decoder: every IKE datagram it sees came behind a non-ESP marker */
    public IkeDatagramDecoder(DropCounters counters, boolean natT, DecodeLimits limits) {
        this.counters = counters;
        this.natT = natT;
        this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Object decoded;
        try {
            decoded = decode(ByteBufUtil.getBytes(packet.content()), packet.sender(), packet.recipient());
        } finally {
            packet.release();
        }
        if (decoded != null) {
            ctx.fireChannelRead(decoded);
        }
    }

    /** An IkeDatagram, a MalformedIkeRequest, or null for a counted drop. */
    private Object decode(byte[] octets, InetSocketAddress sender, InetSocketAddress recipient) {
        try {
            IkeMessage m = IkeMessageCodec.decode(octets, 0, octets.length, limits);
            return new IkeDatagram(m, octets, sender, recipient, natT);
        } catch (MalformedMessageException e) {
            counters.count(e.reason());
            IkeHeader h = e.header();
            if (h != null && h.isRequest() && e.notifyType() != 0) {
                return new MalformedIkeRequest(
                        h, e.reason(), e.notifyType(), e.notifyData(), octets, sender, recipient, natT);
            }
            return null;
        } catch (RuntimeException e) {
            // Hostile input must end in MalformedMessageException; anything else is a decoder bug. Still a drop.
            counters.count(DropReason.DECODER_FAILED);
            LOG.debug("IKE decoder failed on {} octets from {}: {}", octets.length, sender, e.toString());
            return null;
        }
    }
}
