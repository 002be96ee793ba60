package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;

import io.netty.channel.Channel;

/** One bound UDP socket of the transport: an address with its IKE port or its NAT-T port. */
public final class IkeSocket {
    private final Channel channel;
    private final InetSocketAddress local;
    private final boolean natT;
    private final boolean framed;
    /** The NAT-T socket on the same address (for an IKE-port socket), or null. */
    private final IkeSocket natTSibling;

    private final SendBarrier barrier;

    IkeSocket(
            Channel channel,
            InetSocketAddress local,
            boolean natT,
            boolean framed,
            IkeSocket natTSibling,
            SendBarrier barrier) {
        this.natTSibling = natTSibling;
        this.barrier = barrier;
        this.channel = channel;
        this.local = local;
        this.natT = natT;
        this.framed = framed;
    }

    /** The address and port as bound (a configured port 0 shows the one the kernel chose). */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The NAT-T port's socket: IKE goes behind a non-ESP marker, ESP arrives here too (RFC 3948). */
    public boolean natT() {
        return natT;
    }

    /** IKE on this socket travels behind the non-ESP marker: the NAT-T port, or an IKE port other than 500. */
    public boolean framed() {
        return framed;
    }

    /**
     * Sends from this socket to {@code remote}, e.g. an initiator's first request or its move to NAT-T (§2.23); the
     * sender offers the NAT-T socket on the same address through {@link IkeSender#toNatT}. Its messages wait for the
     * transport's {@link SendBarrier}.
     */
    public IkeSender sender(InetSocketAddress remote) {
        return new ChannelIkeSender(channel, local, remote, framed, natTSibling, barrier);
    }

    Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return local + (natT ? " NAT-T" : " IKE");
    }
}
