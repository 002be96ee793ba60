package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

/**
 * {@link EspOutput} over the transport's NAT-T sockets. Writes from a data-plane thread are queued on the socket's
 * event loop and leave together at {@link #flush()}: native epoll sends such a batch with one sendmmsg(2).
 */
final class NatTEspOutput implements EspOutput {
    private final List<IkeSocket> sockets;

    NatTEspOutput(List<IkeSocket> all) {
        this.sockets = all.stream().filter(IkeSocket::natT).toList();
    }

    @Override
    public ByteBuf buffer(int capacity) {
        if (sockets.isEmpty()) {
            throw new IllegalStateException("no NAT-T socket");
        }
        return sockets.getFirst().channel().alloc().directBuffer(capacity);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the void promise: a lost datagram is what UDP allows
    public boolean write(ByteBuf esp, InetSocketAddress local, InetSocketAddress remote) {
        IkeSocket s = socket(local);
        if (s == null) {
            esp.release();
            return false;
        }
        Channel c = s.channel();
        c.write(new DatagramPacket(esp, remote), c.voidPromise());
        return true;
    }

    /** The socket on {@code local}'s address (the transport binds no wildcard addresses). */
    private IkeSocket socket(InetSocketAddress local) {
        for (IkeSocket s : sockets) {
            if (s.localAddress().getAddress().equals(local.getAddress())) {
                return s;
            }
        }
        return null;
    }

    @Override
    public void flush() {
        for (IkeSocket s : sockets) {
            s.channel().flush();
        }
    }
}
