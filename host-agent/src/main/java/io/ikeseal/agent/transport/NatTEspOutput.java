package io.ikeseal.agent.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;

/**
 * {@link EspOutput} over the transport's NAT-T sockets. On native epoll {@link #send} calls sendto(2) on the socket
 * from the data plane's own thread: no copy into a pooled buffer, no hand-over to the event loop, which was most of
 * the sending side's cost per packet (docs/data-plane.md). UDP sockets take concurrent senders; the event loop keeps
 * reading and sending IKE. Writes (and every send on NIO) are queued on the socket's event loop and leave together at
 * {@link #flush()}.
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
    public boolean send(ByteBuffer esp, InetSocketAddress local, InetSocketAddress remote) {
        IkeSocket s = socket(local);
        if (s == null) {
            return false;
        }
        if (!(s.channel() instanceof EpollDatagramChannel epoll
                && epoll.isActive()
                && epoll.fd() instanceof Socket socket)) {
            return EspOutput.super.send(esp, local, remote);
        }
        try {
            int sent = socket.sendTo(esp, esp.position(), esp.limit(), remote.getAddress(), remote.getPort());
            return sent > 0; // 0: EAGAIN, the send buffer is full
        } catch (IOException e) {
            return false; // e.g. ICMP port unreachable reported by the kernel: a lost datagram, as UDP allows
        }
    }

    @Override
    public void flush() {
        for (IkeSocket s : sockets) {
            s.channel().flush();
        }
    }
}
