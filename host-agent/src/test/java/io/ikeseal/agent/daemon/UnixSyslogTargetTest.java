package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local syslog socket as a Unix datagram socket: a message reaches a receiver bound where {@code /dev/log} would
 * be; with no receiver the send fails (the mirror counts it), and once one is there, sending works again.
 */
class UnixSyslogTargetTest {
    @TempDir
    Path dir;

    @Test
    void sendsDatagramsAndRecoversWhenTheSocketAppears() throws Exception {
        Path socket = dir.resolve("log");
        byte[] message = "<86>1 - - ikeseal 1 - - hello".getBytes(StandardCharsets.US_ASCII);
        EventLoopGroup group = new EpollEventLoopGroup(1);
        UnixSyslogTarget target = new UnixSyslogTarget(socket);
        try {
            assertThrows(IOException.class, () -> target.send(message), "no syslog daemon listening");
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            Channel receiver = new Bootstrap()
                    .group(group)
                    .channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            received.add(ByteBufUtil.getBytes(p.content()));
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toString()))
                    .sync()
                    .channel();
            try {
                byte[] got = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (got == null && System.nanoTime() < deadline) { // reconnects at most once a second
                    try {
                        target.send(message);
                        got = received.poll(2, TimeUnit.SECONDS);
                    } catch (IOException e) {
                        Thread.sleep(100);
                    }
                }
                assertArrayEquals(message, got);
            } finally {
                receiver.close().sync();
            }
        } finally {
            target.close();
            var _ = group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
