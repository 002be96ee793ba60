package io.ikeseal.agent.dataplane;

import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;

import io.ikeseal.agent.transport.EspOutput;
import io.ikeseal.agent.transport.EspSink;

/** One direction of the wire: a data plane's EspOutput whose datagrams a test takes, alters or delivers to the peer. */
final class Wire implements EspOutput {
    record Sent(ByteBuf esp, InetSocketAddress local, InetSocketAddress remote) {}

    final LinkedBlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    final AtomicInteger flushes = new AtomicInteger();
    volatile boolean refuse;

    @Override
    public ByteBuf buffer(int capacity) {
        return Unpooled.directBuffer(capacity);
    }

    @Override
    public boolean write(ByteBuf esp, InetSocketAddress local, InetSocketAddress remote) {
        if (refuse) {
            esp.release();
            return false;
        }
        sent.add(new Sent(esp, local, remote));
        return true;
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
    }

    /** The next datagram sent, waiting at most a second; null if none. */
    Sent take() throws InterruptedException {
        return sent.poll(1, TimeUnit.SECONDS);
    }

    /** Hands a datagram's octets to {@code sink} as the transport would: a packet it must release. */
    static void deliver(byte[] esp, EspSink sink, InetSocketAddress from, InetSocketAddress to) {
        sink.receive(new DatagramPacket(Unpooled.wrappedBuffer(esp), to, from));
    }

    static byte[] octets(Sent s) {
        byte[] b = new byte[s.esp().readableBytes()];
        s.esp().getBytes(s.esp().readerIndex(), b);
        s.esp().release();
        return b;
    }
}
