package io.ikeseal.agent.dataplane;

import static io.ikeseal.agent.dataplane.Gateways.ts;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ikeseal.agent.dataplane.tun.Tun;
import io.ikeseal.agent.wire.TrafficSelector;

/**
 * Packets per second and bytes allocated per packet through two data planes back to back in memory, AES-GCM-256:
 * A's reader thread reads a packet from a TUN stand-in, seals it, and its "wire" hands the datagram straight to
 * B, which opens it, checks its selectors and writes it to B's TUN stand-in. So one thread does a whole trip and
 * its allocation counter is the allocation per packet. A benchmark for the closing note, not a test:
 *
 * <pre>
 * java -cp host-agent/target/classes:host-agent/target/test-classes:$(cat cp.txt) \
 *     io.ikeseal.agent.dataplane.DataPlaneBench [packets] [size]
 * </pre>
 */
public final class DataPlaneBench {
    private DataPlaneBench() {}

    public static void main(String[] args) throws Exception {
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1400;
        int warmup = Math.max(packets / 5, 50_000);
        // -Dbench.esp=pass-through measures the data plane alone, without the ESP transforms' own cost.
        EspHalves halves =
                "pass-through".equals(System.getProperty("bench.esp")) ? new PassThroughEsp() : EspHalves.TRANSFORMS;
        byte[] packet = Packets.ipv4("10.1.0.1", "10.2.0.1", Packets.UDP, 5000, 5001, size - 28);

        CountDownLatch done = new CountDownLatch(1);
        SourceTun source = new SourceTun(packet, warmup, packets, done);
        SinkTun sink = new SinkTun();
        DirectWire wire = new DirectWire();
        UserspaceDataPlane a = new UserspaceDataPlane(Gateways.CONFIG, List.of(source), new FakeRoutes(), wire, halves);
        UserspaceDataPlane b =
                new UserspaceDataPlane(Gateways.CONFIG, List.of(sink), new FakeRoutes(), new DirectWire(), halves);
        wire.peer = b;
        List<TrafficSelector> siteA = List.of(ts("10.1.0.0", "10.1.255.255"));
        List<TrafficSelector> siteB = List.of(ts("10.2.0.0", "10.2.255.255"));
        Gateways.installAt(a, Gateways.record(0x100, 0x200, siteA, siteB, true), 1);
        Gateways.installAt(b, Gateways.record(0x200, 0x100, siteB, siteA, false), 1);
        a.start();
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the bench did not finish");
        }
        double seconds = source.nanos / 1e9;
        System.out.printf(
                "%d packets of %d octets, %s, seal + open on one thread: %.0f packets/s, %.2f Gbit/s inner,"
                        + " %.1f bytes allocated per packet; delivered %d, drops A: %s, B: %s%n",
                packets,
                packet.length,
                halves == EspHalves.TRANSFORMS ? "AES-GCM-256" : "pass-through ESP",
                packets / seconds,
                packets * (double) packet.length * 8 / seconds / 1e9,
                source.allocated / (double) packets,
                sink.delivered.get(),
                a.counters().describe(),
                b.counters().describe());
        a.close();
        b.close();
    }

    /** Hands out the same packet warmup + packets times, timing and measuring allocation after the warmup. */
    private static final class SourceTun implements Tun {
        private final byte[] packet;
        private final int warmup;
        private final int packets;
        private final CountDownLatch done;
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        private int reads;
        private long startNanos;
        private long startAllocated;
        volatile long nanos;
        volatile long allocated;
        private volatile boolean closed;

        SourceTun(byte[] packet, int warmup, int packets, CountDownLatch done) {
            this.packet = packet;
            this.warmup = warmup;
            this.packets = packets;
            this.done = done;
        }

        @Override
        public String name() {
            return "bench0";
        }

        @Override
        public int read(ByteBuffer into) throws java.io.IOException {
            if (reads == warmup) {
                startAllocated = threads.getCurrentThreadAllocatedBytes();
                startNanos = System.nanoTime();
            }
            if (reads == warmup + packets) {
                nanos = System.nanoTime() - startNanos;
                allocated = threads.getCurrentThreadAllocatedBytes() - startAllocated;
                done.countDown();
            }
            if (closed || reads >= warmup + packets) {
                for (int i = 0; i < 1000 && !closed; i++) { // bounded: close comes right after
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                return -1;
            }
            reads++;
            int start = into.position();
            into.put(packet);
            into.limit(into.position()).position(start);
            return packet.length;
        }

        @Override
        public void write(ByteBuffer p) {}

        @Override
        public void close() {
            closed = true;
        }
    }

    private static final class SinkTun implements Tun {
        final AtomicLong delivered = new AtomicLong();

        @Override
        public String name() {
            return "bench1";
        }

        @Override
        public int read(ByteBuffer into) {
            return -1;
        }

        @Override
        public void write(ByteBuffer p) {
            delivered.incrementAndGet();
        }

        @Override
        public void close() {}
    }
}
