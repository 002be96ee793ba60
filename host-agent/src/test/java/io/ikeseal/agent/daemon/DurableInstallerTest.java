package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.agent.protect.EncryptionAlgorithm;
import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.wire.TrafficSelector;
import io.ikeseal.hsm.audit.AuditException;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * Issue 12: a CHILD_SA reaches the data plane only after the audit barrier of its IKE SA completed; a failed barrier
 * fails the install (the installer never sees the SA).
 */
class DurableInstallerTest {
    private final List<ChildSaRecord> installed = new CopyOnWriteArrayList<>();
    private final ChildSaInstaller plane = new ChildSaInstaller() {
        @Override
        public void install(ChildSaRecord sa, ChildSaKeys keys) {
            installed.add(sa);
        }

        @Override
        public void remove(ChildSaRecord sa) {}
    };

    /** A log whose barrier the test completes or fails; records the SPI asked for. */
    private static final class GatedSink implements AuditSink {
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Void> append(AuditRecord record) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> barrier(String ikeSpiI) {
            asked.add(ikeSpiI);
            return gate;
        }

        @Override
        public void close() {}
    }

    @Test
    void installWaitsForTheBarrierOfItsIkeSa() throws Exception {
        GatedSink audit = new GatedSink();
        DurableInstaller installer = new DurableInstaller(plane, audit);
        ChildSaRecord sa = child();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> installer.install(sa, null));
        Thread.sleep(200);
        assertEquals(List.of(), installed, "installed before its audit records were durable");
        assertEquals(List.of("0000000000001111"), audit.asked);
        audit.gate.complete(null);
        done.get(10, TimeUnit.SECONDS);
        assertEquals(1, installed.size());
    }

    @Test
    void aFailedBarrierFailsTheInstall() throws Exception {
        GatedSink audit = new GatedSink();
        audit.gate.completeExceptionally(new AuditException("audit log broken (test)"));
        DurableInstaller installer = new DurableInstaller(plane, audit);
        ChildSaRecord sa = child();
        AuditException e = assertThrows(AuditException.class, () -> installer.install(sa, null));
        assertTrue(e.getMessage().contains("audit log broken (test)"), e.getMessage());
        assertEquals(List.of(), installed);
    }

    private static ChildSaRecord child() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 500);
        TrafficSelector ts = TrafficSelector.of(a.getAddress(), a.getAddress(), 0, 0, 65535);
        return new ChildSaRecord(
                "site",
                "net",
                0x1111L,
                0x2222L,
                1,
                2,
                new ChildSuite(
                        new ProtectionSuite(EncryptionAlgorithm.ENCR_AES_GCM_16, 256, IntegrityAlgorithm.NONE),
                        null,
                        false),
                ChildSaMode.TUNNEL,
                List.of(ts),
                List.of(ts),
                a,
                new InetSocketAddress(InetAddress.getByName("192.0.2.2"), 500),
                false,
                Duration.ofHours(1),
                Instant.now(),
                true);
    }
}
