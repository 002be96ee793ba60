package io.ikeseal.agent.daemon;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;

/**
 * Test-only installer that keeps a copy of each CHILD_SA's ESP keys, so tests can check that both ends (ikeseal or
 * charon) derived the same KEYMAT. The product's installers never keep keys.
 */
public final class CapturingInstaller implements ChildSaInstaller {
    /** One installed SA and hex copies of its keys ("initiator" = the exchange's initiator). */
    public record Installed(ChildSaRecord sa, String encI, String integI, String encR, String integR) {}

    private final BlockingQueue<Installed> installed = new LinkedBlockingQueue<>();
    /** Every install in order, also those {@link #next()} took: rekeys install again under new SPIs. */
    private final List<Installed> history = new CopyOnWriteArrayList<>();

    public final List<ChildSaRecord> removed = new CopyOnWriteArrayList<>();

    @Override
    public void install(ChildSaRecord sa, ChildSaKeys k) {
        HexFormat h = HexFormat.of();
        Installed i = new Installed(
                sa,
                h.formatHex(k.encryptionInitiator().bytes()),
                h.formatHex(k.integrityInitiator().bytes()),
                h.formatHex(k.encryptionResponder().bytes()),
                h.formatHex(k.integrityResponder().bytes()));
        history.add(i);
        installed.add(i);
    }

    @Override
    public void remove(ChildSaRecord sa) {
        removed.add(sa);
    }

    public Installed next() throws InterruptedException {
        Installed i = installed.poll(10, TimeUnit.SECONDS);
        if (i == null) {
            throw new AssertionError("no CHILD_SA installed within 10 s");
        }
        return i;
    }

    /** The CHILD_SA installed with inbound SPI {@code spi}, waiting at most 10 s (a rekeyed one comes later). */
    public Installed withInboundSpi(int spi) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            for (Installed i : history) {
                if (i.sa().inboundSpi() == spi) {
                    return i;
                }
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(String.format("no CHILD_SA with inbound SPI %08x installed within 10 s", spi));
            }
            Thread.sleep(20);
        }
    }

    /** Every CHILD_SA installed so far, in order. */
    public List<Installed> history() {
        return List.copyOf(history);
    }

    /** Whether the CHILD_SA with inbound SPI {@code spi} was removed (deleted, rekeyed or expired). */
    public boolean removedInbound(int spi) {
        return removed.stream().anyMatch(r -> r.inboundSpi() == spi);
    }

    public int pending() {
        return installed.size();
    }
}
