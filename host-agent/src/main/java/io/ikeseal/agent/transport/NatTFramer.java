package io.ikeseal.agent.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits what arrives on the NAT-T port (4500) three ways, by its first octets (RFC 3948 §2, RFC 7296 §2.23):
 * <ul>
 * <li>four zero octets, the non-ESP marker: IKE. The marker is stripped and the datagram passed on;</li>
 * <li>the single octet 0xFF: a NAT-keepalive (§2.3), counted and dropped;</li>
 * <li>anything else of at least an ESP header (SPI and sequence number, RFC 4303 §2; the SPI is never zero, which
 * is what makes the marker unambiguous): ESP, handed to the {@link EspSink}.</li>
 * </ul>
 * The rest is too short to be any of them: counted and dropped. Outbound, the marker is written by the NAT-T
 * socket's {@link IkeDatagramEncoder}, so that ESP a data plane writes on the same socket passes untouched.
 */
@Sharable
public final class NatTFramer extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(NatTFramer.class);
    public static final int NON_ESP_MARKER_LENGTH = 4;
    static final int NAT_KEEPALIVE = 0xff;
    static final int ESP_HEADER_LENGTH = 8;

    private final DropCounters counters;
    private final EspSink esp;

    public NatTFramer(DropCounters counters, EspSink esp) {
        this.counters = counters;
        this.esp = esp;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf b = packet.content();
        int n = b.readableBytes();
        if (n >= NON_ESP_MARKER_LENGTH && b.getInt(b.readerIndex()) == 0) {
            b.skipBytes(NON_ESP_MARKER_LENGTH);
            ctx.fireChannelRead(packet);
        } else if (n == 1 && b.getUnsignedByte(b.readerIndex()) == NAT_KEEPALIVE) {
            counters.count(DropReason.NAT_KEEPALIVE);
            packet.release();
        } else if (n >= ESP_HEADER_LENGTH) {
            toDataPlane(packet);
        } else {
            counters.count(DropReason.NAT_T_TOO_SHORT);
            packet.release();
        }
    }

    private void toDataPlane(DatagramPacket packet) {
        try {
            esp.receive(packet);
        } catch (RuntimeException e) {
            counters.count(DropReason.HANDLER_FAILED);
            LOG.warn("ESP sink failed: {}", e.toString());
            if (packet.refCnt() > 0) {
                packet.release();
            }
        }
    }
}
