package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;

import io.ikeseal.hsm.audit.SyslogTarget;

/**
 * The local syslog socket ({@code /dev/log}): a Unix datagram socket, which the JDK cannot open, so Netty's epoll
 * transport does. Connected on first use and again after a failure, at most once a second, so a syslog daemon that
 * is away costs a failed send per record (counted by the mirror) and no busy reconnecting.
 */
final class UnixSyslogTarget implements SyslogTarget {
    private static final long WAIT_MS = 1000;

    private final Path socket;
    private final EventLoopGroup group;
    private Channel channel; // the mirror's thread only
    private long nextConnect; // nanoTime before which no new connect is tried

    UnixSyslogTarget(Path socket) throws IOException {
        if (!Epoll.isAvailable()) {
            throw new IOException(
                    "cannot open Unix datagram sockets here: epoll unavailable (" + Epoll.unavailabilityCause() + ")");
        }
        this.socket = socket;
        this.group = new EpollEventLoopGroup(
                1, Thread.ofPlatform().daemon().name("audit-syslog-unix").factory());
    }

    @Override
    public void send(byte[] message) throws IOException {
        Channel c = connected();
        ChannelFuture f = c.writeAndFlush(Unpooled.wrappedBuffer(message));
        if (!f.awaitUninterruptibly(WAIT_MS, TimeUnit.MILLISECONDS) || !f.isSuccess()) {
            drop(c);
            throw new IOException("send to " + socket + " failed: " + f.cause());
        }
    }

    private Channel connected() throws IOException {
        if (channel != null && channel.isActive()) {
            return channel;
        }
        long now = System.nanoTime();
        if (channel == null && now - nextConnect < 0) {
            throw new IOException(socket + " unreachable (retrying once a second)");
        }
        nextConnect = now + TimeUnit.SECONDS.toNanos(1);
        ChannelFuture f = new Bootstrap()
                .group(group)
                .channel(EpollDomainDatagramChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new DomainSocketAddress(socket.toString()));
        if (!f.awaitUninterruptibly(WAIT_MS, TimeUnit.MILLISECONDS) || !f.isSuccess()) {
            var _ = f.channel().close();
            throw new IOException("cannot connect to " + socket + ": " + f.cause());
        }
        channel = f.channel();
        return channel;
    }

    private void drop(Channel c) {
        var _ = c.close();
        if (channel == c) {
            channel = null;
        }
    }

    @Override
    public String describe() {
        return "unix:" + socket;
    }

    @Override
    public void close() {
        if (channel != null) {
            var _ = channel.close().awaitUninterruptibly(WAIT_MS);
        }
        var _ = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
