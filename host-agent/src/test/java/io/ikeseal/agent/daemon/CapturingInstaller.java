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
    public final List<ChildSaRecord> removed = new CopyOnWriteArrayList<>();

    @Override
    public void install(ChildSaRecord sa, ChildSaKeys k) {
        HexFormat h = HexFormat.of();
        installed.add(new Installed(
                sa,
                h.formatHex(k.encryptionInitiator().bytes()),
                h.formatHex(k.integrityInitiator().bytes()),
                h.formatHex(k.encryptionResponder().bytes()),
                h.formatHex(k.integrityResponder().bytes())));
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

    public int pending() {
        return installed.size();
    }
}
