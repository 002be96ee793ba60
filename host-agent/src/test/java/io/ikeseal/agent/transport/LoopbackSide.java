package io.ikeseal.agent.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.channel.socket.DatagramPacket;

/**
 * One IKE endpoint for real-socket tests: a transport on 127.0.0.1 and ::1, ports chosen free by the kernel, with
 * queues standing in for the SA layer. Every wait is bounded.
 */
final class LoopbackSide implements AutoCloseable {
    static final InetAddress V4 = address("127.0.0.1");
    static final InetAddress V6 = address("::1");
    static final long WAIT_SECONDS = 5;

    record Delivery(IkeDatagram datagram, IkeSender replies) {}

    final IkeSpiTable spis = new IkeSpiTable();
    final DropCounters counters = new DropCounters();
    final BlockingQueue<Delivery> inits = new LinkedBlockingQueue<>();
    final BlockingQueue<DatagramPacket> esp = new LinkedBlockingQueue<>();
    final IkeTransport transport;

    LoopbackSide(boolean epoll) {
        this(TransportConfig.of(List.of(V4, V6)).withPorts(0, 0).withEpoll(epoll));
    }

    LoopbackSide(TransportConfig config) {
        this(config, SendBarrier.NONE);
    }

    LoopbackSide(TransportConfig config, SendBarrier barrier) {
        try {
            transport = IkeTransport.start(
                    config, spis, (d, s) -> inits.add(new Delivery(d, s)), counters, esp::add, barrier);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    IkeSocket socket(InetAddress address, boolean natT) {
        return transport.socket(address, natT).orElseThrow();
    }

    /** Registers a queue as the SA under {@code ourSpi}. */
    BlockingQueue<Delivery> sa(long ourSpi) {
        BlockingQueue<Delivery> q = new LinkedBlockingQueue<>();
        if (!spis.register(ourSpi, (d, s) -> q.add(new Delivery(d, s)))) {
            throw new IllegalStateException("SPI taken");
        }
        return q;
    }

    static <T> T next(BlockingQueue<T> q) throws InterruptedException {
        T t = q.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(t, "nothing arrived within " + WAIT_SECONDS + " s");
        return t;
    }

    /** No handler threw and no exception reached the end of a pipeline. */
    void assertClean() {
        assertEquals(0, counters.get(DropReason.PIPELINE_ERROR), counters.toString());
        assertEquals(0, counters.get(DropReason.HANDLER_FAILED), counters.toString());
        assertEquals(0, counters.get(DropReason.DECODER_FAILED), counters.toString());
    }

    @Override
    public void close() {
        transport.close();
        esp.forEach(DatagramPacket::release);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
