package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

/**
 * Writes {@link OutboundIkeDatagram}s to one bound channel, whose pipeline encodes them, each only once its
 * {@link SendBarrier} completed: a message whose audit records cannot be made durable never leaves.
 */
final class ChannelIkeSender implements IkeSender {
    private final Channel channel;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final boolean natT;
    /** Our NAT-T socket on the same address, or null. */
    private final IkeSocket natTSocket;

    private final SendBarrier barrier;

    ChannelIkeSender(
            Channel channel, InetSocketAddress local, InetSocketAddress remote, boolean natT, SendBarrier barrier) {
        this(channel, local, remote, natT, null, barrier);
    }

    ChannelIkeSender(
            Channel channel,
            InetSocketAddress local,
            InetSocketAddress remote,
            boolean natT,
            IkeSocket natTSocket,
            SendBarrier barrier) {
        this.natTSocket = natTSocket;
        this.barrier = barrier;
        this.channel = channel;
        this.local = local;
        this.remote = remote;
        this.natT = natT;
    }

    @Override
    public InetSocketAddress local() {
        return local;
    }

    @Override
    public InetSocketAddress remote() {
        return remote;
    }

    @Override
    public boolean natT() {
        return natT;
    }

    @Override
    public Optional<IkeSender> toNatT(InetSocketAddress to) {
        return Optional.ofNullable(natTSocket).map(s -> s.sender(to));
    }

    @Override
    public CompletableFuture<Void> send(byte[] octets) {
        OutboundIkeDatagram d = new OutboundIkeDatagram(octets, remote); // refuses an incomplete message here
        CompletableFuture<Void> durable = barrier.before(SendBarrier.initiatorSpi(octets));
        // Usually done already (an idle log): no hop. Otherwise this runs on the audit writer, and writeAndFlush
        // only hands the datagram to the event loop.
        return durable.thenCompose(ignored -> write(d));
    }

    /**
     * A raw DatagramPacket passes the encoder untouched: no non-ESP marker (RFC 3948 §2.3). No barrier: the one
     * octet 0xFF carries nothing from a token.
     */
    @Override
    public CompletableFuture<Void> sendNatKeepalive() {
        if (!natT) {
            return IkeSender.super.sendNatKeepalive();
        }
        return write(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {(byte) NatTFramer.NAT_KEEPALIVE}), remote));
    }

    private CompletableFuture<Void> write(Object datagram) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        channel.writeAndFlush(datagram).addListener(f -> {
            if (f.isSuccess()) {
                sent.complete(null);
            } else {
                sent.completeExceptionally(f.cause());
            }
        });
        return sent;
    }

    @Override
    public String toString() {
        return local + " -> " + remote + (natT ? " (NAT-T)" : "");
    }
}
