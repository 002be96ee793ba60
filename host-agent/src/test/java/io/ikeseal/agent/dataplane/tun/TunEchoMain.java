package io.ikeseal.agent.dataplane.tun;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.ikeseal.agent.wire.TrafficSelector;

/**
 * Run by TunDeviceTest inside a network namespace it created, never on the host's own network. Modes:
 *
 * <ul>
 *   <li>{@code echo NAME QUEUES}: a TUN with 10.199.0.1 and fd00:199::1, routes to 10.200.0.0/24 and fd00:200::/64
 *       into it; every ICMP/ICMPv6 echo request read is written back as the echo reply; prints "ready", stops on a
 *       "stop" line (or EOF) on stdin and prints "echoed N".
 *   <li>{@code close NAME}: a reader blocked in read() while another thread closes the queue; prints "read R after
 *       T ms".
 *   <li>{@code bench NAME SECONDS [BATCH]}: writes echo requests from 10.200.0.9 to the device's own 10.199.0.1 and
 *       reads the kernel's replies back through the same queue; prints packets/s and bytes allocated per packet on
 *       the one thread that does both.
 * </ul>
 */
public final class TunEchoMain {
    private static final InetAddress LOCAL4 = address("10.199.0.1");
    private static final InetAddress LOCAL6 = address("fd00:199::1");

    private TunEchoMain() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "echo" -> echo(args[1], Integer.parseInt(args[2]));
            case "close" -> closeWakesReader(args[1]);
            case "bench" -> bench(args[1], Integer.parseInt(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 32);
            default -> throw new IllegalArgumentException("mode " + args[0]);
        }
    }

    private static TunDevice openRouted(String name, int queues) throws Exception {
        TunDevice tun = TunDevice.open(name, 1400, queues);
        tun.addAddress(LOCAL4, 32);
        tun.addAddress(LOCAL6, 128);
        tun.routes().add(ts("10.200.0.0", "10.200.0.255"), LOCAL4);
        tun.routes().add(ts("fd00:200::", "fd00:200::ffff:ffff:ffff:ffff"), LOCAL6);
        return tun;
    }

    private static void echo(String name, int queues) throws Exception {
        AtomicLong echoed = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        try (TunDevice tun = openRouted(name, queues)) {
            for (Tun q : tun.queues()) {
                readers.add(Thread.ofPlatform().name("tun-echo").start(() -> echoLoop(q, echoed)));
            }
            System.out.println("ready " + tun);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.equals("stop"));
        }
        for (Thread t : readers) {
            if (!t.join(java.time.Duration.ofSeconds(2))) {
                System.out.println("reader still blocked after close");
                System.exit(3);
            }
        }
        System.out.println("echoed " + echoed.get());
    }

    private static void echoLoop(Tun q, AtomicLong echoed) {
        ByteBuffer buf = ByteBuffer.allocateDirect(65536);
        try {
            while (true) {
                buf.clear();
                if (q.read(buf) < 0) {
                    return;
                }
                if (Icmp.toEchoReply(buf)) {
                    q.write(buf);
                    echoed.incrementAndGet();
                }
            }
        } catch (Exception e) {
            System.out.println("echo failed: " + e);
        }
    }

    private static void closeWakesReader(String name) throws Exception {
        try (TunDevice tun = TunDevice.open(name, 1400, 1)) {
            Tun q = tun.queues().getFirst();
            long[] result = new long[2];
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    ByteBuffer buf = ByteBuffer.allocateDirect(2048);
                    int n;
                    do { // the kernel may send IPv6 router solicitations and MLD reports into the device
                        buf.clear();
                        n = q.read(buf);
                    } while (n >= 0);
                    result[1] = System.nanoTime();
                    result[0] = n;
                } catch (Exception e) {
                    result[0] = -99;
                }
            });
            Thread.sleep(300); // the reader is in poll(2) by now
            long closing = System.nanoTime();
            q.close();
            if (!reader.join(java.time.Duration.ofSeconds(2))) {
                System.out.println("reader still blocked after close");
                System.exit(3);
            }
            System.out.println(
                    "read " + result[0] + " after " + TimeUnit.NANOSECONDS.toMillis(result[1] - closing) + " ms");
        }
    }

    private static void bench(String name, int seconds, int batch) throws Exception {
        try (TunDevice tun = openRouted(name, 1)) {
            Tun q = tun.queues().getFirst();
            ByteBuffer request = Icmp.echoRequest4(address("10.200.0.9"), LOCAL4, 56);
            ByteBuffer in = ByteBuffer.allocateDirect(65536);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long packets = 0;
            long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long start = 0;
            long allocStart = 0;
            boolean measuring = false;
            long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long now = System.nanoTime();
                if (!measuring && now >= warmEnd) {
                    measuring = true;
                    packets = 0;
                    start = now;
                    allocStart = threads.getCurrentThreadAllocatedBytes();
                }
                if (now >= end) {
                    break;
                }
                for (int i = 0; i < batch; i++) {
                    request.rewind();
                    q.write(request);
                }
                for (int i = 0; i < batch; i++) {
                    in.clear();
                    q.read(in); // the replies; a lost one would block, so the kernel must answer all
                }
                packets += 2L * batch;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocStart;
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "bench batch=%d packets=%d (writes+reads) seconds=%.2f pps=%.0f alloc-bytes-per-packet=%.3f%n",
                    batch, packets, secs, packets / secs, (double) allocated / packets);
        }
    }

    private static TrafficSelector ts(String start, String end) {
        return TrafficSelector.of(address(start), address(end), 0, 0, 0xffff);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
