package io.ikeseal.agent.daemon;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;

/**
 * Installer and event sink of one daemon for long runs (LifecycleLeakTest): it keeps the CHILD_SAs installed now and
 * counters, nothing per past SA, so what the heap holds after thousands of rekeys is the daemon's own. Ends made
 * with the same {@code signal} wake each other's {@link #await} on every change.
 */
final class CountingEnd implements ChildSaInstaller, SaEvents {
    private final Object signal;
    private final Map<Integer, ChildSaRecord> installed = new ConcurrentHashMap<>();
    final AtomicLong installs = new AtomicLong();
    final AtomicLong removals = new AtomicLong();
    final AtomicLong childRekeys = new AtomicLong();
    final AtomicLong ikeRekeys = new AtomicLong();
    final AtomicLong ikeSasDeleted = new AtomicLong();
    /** The first CHILD_SA or IKE SA failure or liveness failure, which the run must not see. */
    final AtomicReference<String> failure = new AtomicReference<>();

    CountingEnd(Object signal) {
        this.signal = signal;
    }

    @Override
    public void install(ChildSaRecord sa, ChildSaKeys keys) {
        installed.put(sa.inboundSpi(), sa);
        installs.incrementAndGet();
        changed();
    }

    @Override
    public void remove(ChildSaRecord sa) {
        installed.remove(sa.inboundSpi());
        removals.incrementAndGet();
        changed();
    }

    /** Whether the CHILD_SA with our inbound SPI {@code spi} is installed now. */
    boolean has(int spi) {
        return installed.containsKey(spi);
    }

    /** Our inbound SPIs of the CHILD_SAs installed now. */
    Set<Integer> inboundSpis() {
        return Set.copyOf(installed.keySet());
    }

    @Override
    public void childSaRekeyed(IkeSaInfo ikeSa, ChildSaRecord old, ChildSaRecord now) {
        childRekeys.incrementAndGet();
    }

    @Override
    public void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo now, boolean reauthenticated) {
        ikeRekeys.incrementAndGet();
    }

    @Override
    public void ikeSaDeleted(IkeSaInfo sa, String reason) {
        ikeSasDeleted.incrementAndGet();
        changed();
    }

    @Override
    public void ikeSaFailed(IkeSaInfo sa, String reason) {
        failure.compareAndSet(null, "IKE SA failed: " + reason);
    }

    @Override
    public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
        failure.compareAndSet(null, "CHILD_SA " + child + " failed: " + reason);
    }

    @Override
    public void livenessFailed(IkeSaInfo sa, String reason) {
        failure.compareAndSet(null, "liveness failed: " + reason);
    }

    private void changed() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Waits until {@code condition} holds, at most {@code millis}; woken by each change of the ends sharing our
     * signal, and every 2 ms for what they do not see (e.g. an SA leaving the daemon's table after its event).
     */
    void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        synchronized (signal) {
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + millis + " ms for " + what);
                }
                signal.wait(2);
            }
        }
    }
}
