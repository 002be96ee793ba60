package io.ikeseal.agent.dataplane;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;

import io.ikeseal.agent.transport.EspOutput;

/** A lossless wire without sockets: pooled direct buffers as the transport's, each datagram straight to the peer. */
final class DirectWire implements EspOutput {
    volatile UserspaceDataPlane peer;

    @Override
    public ByteBuf buffer(int capacity) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(capacity);
    }

    @Override
    public boolean write(ByteBuf esp, InetSocketAddress local, InetSocketAddress remote) {
        peer.receive(new DatagramPacket(esp, remote, local));
        return true;
    }

    @Override
    public void flush() {}
}
