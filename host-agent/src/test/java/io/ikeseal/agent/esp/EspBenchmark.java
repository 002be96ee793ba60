package io.ikeseal.agent.esp;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Random;

import com.sun.management.ThreadMXBean;

import io.ikeseal.agent.proposal.ChildSuite;

/**
 * Nanoseconds and allocated bytes per 1400-octet packet, sealed and opened with AES-GCM-256 between direct buffers
 * as the data plane passes them: a figure for the closing note of issue 11, run by scripts/bench-esp; not a test.
 * Allocation is the thread's own (ThreadMXBean.getCurrentThreadAllocatedBytes), so the JIT and GC do not count.
 *
 * <p>Usage: {@code EspBenchmark [packets] [inner octets]} (default 200000 and 1400).
 */
public final class EspBenchmark {
    private EspBenchmark() {}

    public static void main(String[] args) {
        int packets = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int length = args.length > 1 ? Integer.parseInt(args[1]) : 1400;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (ChildSuite suite : new ChildSuite[] {EspSuites.gcm256(false), EspSuites.gcm256(true)}) {
            // Window 0 for the open-only run: the same packet opens again and again; the round trip has a window.
            EspSuites.Pair bench = EspSuites.pair(suite, 1, 0x1000, 0);
            EspSuites.Pair roundTrip = EspSuites.pair(suite, 2, 0x2000, 1024);
            ByteBuffer inner = ByteBuffer.allocateDirect(length);
            inner.put(EspSuites.inner(new Random(1), length)).flip();
            ByteBuffer esp = ByteBuffer.allocateDirect(length + bench.sealer().maxOverhead());
            ByteBuffer plain = ByteBuffer.allocateDirect(esp.capacity());
            for (int round = 0; round < 3; round++) { // the first rounds warm the JIT up
                long t0 = System.nanoTime();
                long a0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < packets; i++) {
                    inner.rewind();
                    esp.clear();
                    bench.sealer().seal(inner, 4, esp);
                }
                long sealNs = System.nanoTime() - t0;
                long sealBytes = threads.getCurrentThreadAllocatedBytes() - a0;

                esp.flip();
                t0 = System.nanoTime();
                a0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < packets; i++) {
                    esp.rewind();
                    plain.clear();
                    if (bench.opener().open(esp, plain) != 4) {
                        throw new IllegalStateException("open failed");
                    }
                }
                long openNs = System.nanoTime() - t0;
                long openBytes = threads.getCurrentThreadAllocatedBytes() - a0;

                t0 = System.nanoTime();
                a0 = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < packets; i++) {
                    inner.rewind();
                    esp.clear();
                    roundTrip.sealer().seal(inner, 4, esp);
                    esp.flip();
                    plain.clear();
                    if (roundTrip.opener().open(esp, plain) != 4) {
                        throw new IllegalStateException("round trip failed");
                    }
                }
                long bothNs = System.nanoTime() - t0;
                long bothBytes = threads.getCurrentThreadAllocatedBytes() - a0;
                System.out.printf(
                        Locale.ROOT,
                        "%s %d octets round %d: seal %.0f ns %.1f B/packet | open %.0f ns %.1f B/packet"
                                + " | seal+open (window 1024) %.0f ns %.1f B/packet | seal %.2f Gbit/s%n",
                        suite,
                        length,
                        round,
                        (double) sealNs / packets,
                        (double) sealBytes / packets,
                        (double) openNs / packets,
                        (double) openBytes / packets,
                        (double) bothNs / packets,
                        (double) bothBytes / packets,
                        8.0 * length * packets / sealNs);
            }
        }
    }
}
