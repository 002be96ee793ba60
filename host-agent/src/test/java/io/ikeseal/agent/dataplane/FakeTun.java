package io.ikeseal.agent.dataplane;

import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.dataplane.tun.Tun;

/** A TUN queue in memory: {@link #route} stands for the kernel routing a packet in, {@link #delivered} for what the data plane wrote. */
final class FakeTun implements Tun {
    final LinkedBlockingQueue<byte[]> routed = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<byte[]> delivered = new LinkedBlockingQueue<>();
    volatile boolean closed;
    volatile boolean failWrites;

    void route(byte[] packet) {
        routed.add(packet);
    }

    /** The next packet the data plane wrote, waiting at most a second. */
    byte[] next() throws InterruptedException {
        return delivered.poll(1, TimeUnit.SECONDS);
    }

    @Override
    public String name() {
        return "fake0";
    }

    @Override
    public int read(ByteBuffer into) {
        for (int i = 0; i < 6000 && !closed; i++) { // a bounded wait; the reader loops while open
            byte[] p;
            try {
                p = routed.poll(10, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            if (p != null) {
                int start = into.position();
                into.put(p);
                into.limit(into.position()).position(start);
                return p.length;
            }
        }
        return -1;
    }

    @Override
    public void write(ByteBuffer packet) throws java.io.IOException {
        if (failWrites) {
            throw new java.io.IOException("told to fail");
        }
        byte[] p = new byte[packet.remaining()];
        packet.duplicate().get(p);
        delivered.add(p);
    }

    @Override
    public void close() {
        closed = true;
    }
}
