package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.netty.channel.Channel;

/** Writes {@link OutboundIkeDatagram}s to one bound channel, whose pipeline encodes them. */
final class ChannelIkeSender implements IkeSender {
    private final Channel channel;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final boolean natT;
    /** Our NAT-T socket on the same address, or null. */
    private final IkeSocket natTSocket;

    ChannelIkeSender(Channel channel, InetSocketAddress local, InetSocketAddress remote, boolean natT) {
        this(channel, local, remote, natT, null);
    }

    ChannelIkeSender(
            Channel channel, InetSocketAddress local, InetSocketAddress remote, boolean natT, IkeSocket natTSocket) {
        this.natTSocket = natTSocket;
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
        OutboundIkeDatagram datagram = new OutboundIkeDatagram(octets, remote);
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
