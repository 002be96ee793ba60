package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * Leak check between two daemons (issue 10, "Tests that must exist"): one IKE SA with two CHILD_SAs, one without and
 * one with PFS, over real UDP on loopback and the test run's real tokens; then 10,000 CHILD_SA rekeys and 1,000 IKE
 * SA rekeys, the ends taking turns as initiator, each rekey waited for until the old SA is gone from both ends. After
 * them the live token objects per token are exactly where they were, the retained heap within
 * {@link #HEAP_TOLERANCE}, one IKE SA with its two CHILD_SAs on each end under the SPIs the last rekeys reported, and
 * once {@link #LINGER} has passed no SPI registered beyond that IKE SA's. Figures go to stdout for issue 10's
 * closing note.
 */
class LifecycleLeakTest {
    private static final int CHILD_REKEYS = 10_000;
    private static final int IKE_REKEYS = 1_000;
    /** One IKE SA rekey after every 10 CHILD_SA rekeys: 11,000 rekeys, 1,000 of them of the IKE SA. */
    private static final int ROUND = CHILD_REKEYS / IKE_REKEYS + 1;
    /** Rekeys before the baseline: classes loaded, code compiled, pools and caches at their working size. */
    private static final int WARMUP = 20 * ROUND;
    /** Every 4th CHILD_SA rekey is of the child with PFS (an ECDH in the token at each end): 2,500 of them. */
    private static final int PFS_EVERY = 4;

    private static final String[] CHILDREN = {"net", "pfs"};
    /** The PFS child's proposal, and its selectors: its own, as the responder picks the child by them. */
    private static final String PFS = "aes256gcm16-ecp256";

    private static final String GW_NET = "10.1.0.0/16";
    private static final String BR_NET = "10.2.0.0/16";
    private static final Duration LINGER = Duration.ofMillis(200);
    private static final long WAIT_MS = 10_000;
    /**
     * What the retained heap may differ by after the rekeys: 47 B per rekey, less than any SA's state; measured, the
     * difference of a settled heap taken twice in this JVM moves by up to about 150 KiB without a leak (G1 region
     * tails, filler arrays, caches such as MethodType tables). The class histogram is the sharper check.
     */
    private static final long HEAP_TOLERANCE = 512 * 1024;
    /**
     * A leak of one object per CHILD_SA rekey would add 10,000 instances of its class. Noise stays below this: a few
     * Netty tasks and filler arrays, and about 1,000 Strings without arrays of their own (900 to 1,200 in four runs,
     * sharing existing ones; not a class of ours) that appear between two histograms in any case. A leak per IKE SA
     * rekey (1,000 objects) of something small can hide under it; one of an SA's state cannot hide under the heap
     * tolerance.
     */
    private static final long LEAK_INSTANCES = 2_000;

    @RegisterExtension
    static final Scenario scenario = new Scenario();

    private long spiI;
    private long spiR;
    /** Per child of {@link #CHILDREN}: the branch office's inbound and outbound SPI (the gateway's are crossed). */
    private final int[] brIn = new int[2];

    private final int[] brOut = new int[2];
    private int childRekeys;
    private int ikeRekeys;

    @Test
    void tenThousandChildAndThousandIkeRekeysLeaveTokenObjectsAndHeapWhereTheyStarted() throws Exception {
        Object signal = new Object();
        CountingEnd gwEnd = new CountingEnd(signal);
        CountingEnd brEnd = new CountingEnd(signal);
        UnaryOperator<ExchangeSettings> settings = s -> Scenario.FAST.apply(s).withClosedLinger(LINGER);
        Level logLevel = level();
        try (IkeDaemon gw = scenario.startBare(
                        "gateway", ConnectionYaml.gateway().child("pfs", GW_NET, BR_NET, PFS), settings, gwEnd, gwEnd);
                IkeDaemon br = scenario.startBare(
                        "branch",
                        ConnectionYaml.branch("127.0.0.1", gw.ikePort()).child("pfs", BR_NET, GW_NET, PFS),
                        settings,
                        brEnd,
                        brEnd)) {
            long hsmIdle = hsm(br);
            IkeSaInfo sa = get(br.initiate("gateway"));
            spiI = sa.spiI();
            spiR = sa.spiR();
            brEnd.await(
                    "both CHILD_SAs on both ends",
                    WAIT_MS,
                    () -> brEnd.inboundSpis().size() == 2 && gwEnd.inboundSpis().size() == 2);
            for (ChildSaRecord c : only(br).children()) {
                int k = List.of(CHILDREN).indexOf(c.name());
                brIn[k] = c.inboundSpi();
                brOut[k] = c.outboundSpi();
            }
            quiet();
            rekeys(br, gw, brEnd, gwEnd, WARMUP);
            assertEquals(hsmIdle + 2, hsm(br), "one SK_d per end");
            Map<String, Long> objectsBefore = br.liveTokenObjects();
            // one histogram first: the diagnostic command's first call leaves its MBean's descriptions behind
            var _ = ClassHistogram.take();
            String classesBefore = ClassHistogram.take(); // before the heap: held in both measurements
            long heapBefore = settledHeap();

            long t0 = System.nanoTime();
            childRekeys = 0;
            ikeRekeys = 0;
            rekeys(br, gw, brEnd, gwEnd, CHILD_REKEYS + IKE_REKEYS);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(CHILD_REKEYS, childRekeys);
            assertEquals(IKE_REKEYS, ikeRekeys);

            brEnd.await(
                    "the SK_d of every old IKE SA destroyed",
                    WAIT_MS,
                    () -> br.liveTokenObjects().equals(objectsBefore));
            long heapAfter = settledHeap();
            Map<String, Long> objectsAfter = br.liveTokenObjects();
            Map<String, Long> after = ClassHistogram.instances(ClassHistogram.take());
            Map<String, Long> before = ClassHistogram.instances(classesBefore);
            Map<String, Long> grown = ClassHistogram.grown(before, after, LEAK_INSTANCES);
            System.out.printf(
                    "LifecycleLeakTest: %d CHILD_SA rekeys (%d with PFS) and %d IKE SA rekeys in %.1f s: %.0f rekeys/s"
                            + " (each until the old SA was gone from both ends)%n",
                    CHILD_REKEYS, CHILD_REKEYS / PFS_EVERY, IKE_REKEYS, seconds, (CHILD_REKEYS + IKE_REKEYS) / seconds);
            System.out.printf(
                    "LifecycleLeakTest: retained heap before %d B, after %d B, difference %+d B (%+.1f B per rekey)%n",
                    heapBefore,
                    heapAfter,
                    heapAfter - heapBefore,
                    (heapAfter - heapBefore) / (double) (CHILD_REKEYS + IKE_REKEYS));
            System.out.printf(
                    "LifecycleLeakTest: live token objects before %s, after %s (per token; both ends share the tokens)%n",
                    objectsBefore, objectsAfter);

            System.out.printf(
                    "LifecycleLeakTest: classes with %d or more instances more than before: %s%n",
                    100, ClassHistogram.grown(before, after, 100));

            assertEquals(objectsBefore, objectsAfter, "live token objects per token");
            assertEquals(Map.of(), grown, "classes whose instances grew with the rekeys");
            assertTrue(
                    Math.abs(heapAfter - heapBefore) <= HEAP_TOLERANCE,
                    "retained heap moved by " + (heapAfter - heapBefore) + " B");
            assertNull(brEnd.failure.get(), "branch office");
            assertNull(gwEnd.failure.get(), "gateway");
            assertEndState(br, gw, brEnd, gwEnd);
        } finally {
            restore(logLevel);
        }
    }

    /** {@code n} rekeys in rounds of 10 CHILD_SA rekeys and one IKE SA rekey, the ends taking turns to initiate. */
    private void rekeys(IkeDaemon br, IkeDaemon gw, CountingEnd brEnd, CountingEnd gwEnd, int n) throws Exception {
        for (int op = 0; op < n; op++) {
            boolean fromBranch = op % 2 == 0;
            if (op % ROUND == ROUND - 1) {
                IkeSaInfo now = get((fromBranch ? br : gw).rekeyIkeSa(spiI));
                assertTrue(now.spiI() != spiI && now.spiR() != spiR, "new SPIs");
                spiI = now.spiI();
                spiR = now.spiR();
                brEnd.await(
                        "the old IKE SA closed at both ends",
                        WAIT_MS,
                        () -> br.gateway().liveSas() == 1 && gw.gateway().liveSas() == 1);
                ikeRekeys++;
            } else {
                int k = childRekeys % PFS_EVERY == 0 ? 1 : 0;
                int oldIn = brIn[k];
                int oldOut = brOut[k];
                ChildSaRecord r = get(fromBranch ? br.rekeyChild(spiI, oldIn) : gw.rekeyChild(spiI, oldOut));
                assertEquals(CHILDREN[k], r.name());
                brIn[k] = fromBranch ? r.inboundSpi() : r.outboundSpi();
                brOut[k] = fromBranch ? r.outboundSpi() : r.inboundSpi();
                brEnd.await(
                        "the old CHILD_SA removed at both ends",
                        WAIT_MS,
                        () -> !brEnd.has(oldIn) && !gwEnd.has(oldOut));
                childRekeys++;
            }
        }
    }

    /** One IKE SA on each end under the last SPIs, with both CHILD_SAs as the last rekeys left them. */
    private void assertEndState(IkeDaemon br, IkeDaemon gw, CountingEnd brEnd, CountingEnd gwEnd) throws Exception {
        IkeSaInfo b = only(br);
        IkeSaInfo g = only(gw);
        for (IkeSaInfo s : List.of(b, g)) {
            assertEquals(spiI, s.spiI());
            assertEquals(spiR, s.spiR());
            assertEquals(2, s.children().size(), s.children().toString());
        }
        for (ChildSaRecord c : b.children()) {
            int k = List.of(CHILDREN).indexOf(c.name());
            assertEquals(brIn[k], c.inboundSpi());
            assertEquals(brOut[k], c.outboundSpi());
        }
        for (ChildSaRecord c : g.children()) {
            int k = List.of(CHILDREN).indexOf(c.name());
            assertEquals(brOut[k], c.inboundSpi());
            assertEquals(brIn[k], c.outboundSpi());
        }
        assertEquals(Set.of(brIn[0], brIn[1]), brEnd.inboundSpis());
        assertEquals(Set.of(brOut[0], brOut[1]), gwEnd.inboundSpis());
        long installs = 2 + (long) CHILD_REKEYS + WARMUP - WARMUP / ROUND;
        for (CountingEnd e : List.of(brEnd, gwEnd)) {
            assertEquals(installs, e.installs.get(), "CHILD_SAs installed");
            assertEquals(installs - 2, e.removals.get(), "CHILD_SAs removed");
        }
        brEnd.await(
                "no SPI registered but the IKE SA's, " + LINGER.toMillis() + " ms after the last close",
                LINGER.toMillis() + WAIT_MS,
                () -> br.gateway().registeredSpis() == 1 && gw.gateway().registeredSpis() == 1);
    }

    private static IkeSaInfo only(IkeDaemon d) {
        List<IkeSaInfo> all = d.gateway().established();
        assertEquals(1, all.size(), all.toString());
        return all.getFirst();
    }

    private static long hsm(IkeDaemon d) {
        return d.liveTokenObjects().getOrDefault("hsm", -1L);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    /**
     * The used heap after garbage collection once it stops falling: SunPKCS11's cleaner (every second) lets go of
     * the collected keys' references only after a collection found them, so each round waits for it. At most 8.
     */
    private static long settledHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 8; i++) {
            System.gc();
            Thread.sleep(1200);
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            if (now >= used - 4096) {
                return Math.min(used, now);
            }
            used = now;
        }
        return used;
    }

    private static Level level() {
        return ((Logger) LoggerFactory.getLogger("io.ikeseal.agent")).getLevel();
    }

    /** A line per rekey at INFO would be most of the time: WARN for the rekeys. */
    private static void quiet() {
        ((Logger) LoggerFactory.getLogger("io.ikeseal.agent")).setLevel(Level.WARN);
    }

    private static void restore(Level before) {
        ((Logger) LoggerFactory.getLogger("io.ikeseal.agent")).setLevel(before);
    }
}
