package io.ikeseal.agent.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DatagramPacket;

/**
 * Turns each {@link OutboundIkeDatagram} into a {@link DatagramPacket} to its recipient; the source is the socket's
 * own address, so a reply leaves from the address and port its request arrived on (RFC 7296 §2.11). The NAT-T
 * socket's encoder puts the four-octet non-ESP marker first (RFC 3948 §2.2, RFC 7296 §2.23). Other messages, such
 * as ESP packets a data plane writes, pass untouched.
 */
@Sharable
public final class IkeDatagramEncoder extends ChannelOutboundHandlerAdapter {
    private final boolean natT;

    /** @param natT this is the NAT-T socket's encoder */
    public IkeDatagramEncoder(boolean natT) {
        this.natT = natT;
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // ctx.write returns the caller's own promise
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof OutboundIkeDatagram out)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf content;
        if (natT) {
            content = ctx.alloc()
                    .buffer(NatTFramer.NON_ESP_MARKER_LENGTH + out.octets().length)
                    .writeInt(0)
                    .writeBytes(out.octets());
        } else {
            content = Unpooled.wrappedBuffer(out.octets());
        }
        ctx.write(new DatagramPacket(content, out.recipient()), promise);
    }
}
