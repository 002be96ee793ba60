package io.ikeseal.agent.wireshark;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.sa.SaKeyLog;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * Keeps Wireshark's {@code ikev2_decryption_table} and {@code esp_sa} (docs/operations-wire.md) for the daemon's live
 * SAs in one directory: a row when an IKE SA is keyed or a CHILD_SA installed, gone when it ends, both files emptied
 * at {@link #close()}. Only keys the residency tier keeps on the host are written ({@link HostResidentKeys}); a row
 * whose keys are sealed, or whose suite Wireshark cannot decrypt, is not written, and why is logged once.
 *
 * <p>The calling thread (an SA's executor) only copies the keys into a row; one writer thread does the file work
 * from a bounded queue, and a row that finds the queue full is dropped with a warning: the exchange never waits.
 */
public final class WiresharkKeyTables implements SaKeyLog, AutoCloseable {
    public static final String IKEV2_TABLE = "ikev2_decryption_table";
    public static final String ESP_TABLE = "esp_sa";

    private static final Logger LOG = LoggerFactory.getLogger(WiresharkKeyTables.class);
    private static final int QUEUE = 4096;
    private static final HexFormat HEX = HexFormat.of();

    private final Path dir;
    private final ResidencyTier tier;
    private final Set<HostResidentKeys.Role> onHost;
    private final TableFile ike;
    private final TableFile esp;
    private final ThreadPoolExecutor writer;
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    private WiresharkKeyTables(Path dir, ResidencyTier tier, TableFile ike, TableFile esp) {
        this.dir = dir;
        this.tier = tier;
        this.onHost = HostResidentKeys.of(tier);
        this.ike = ike;
        this.esp = esp;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "wireshark-keys");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates (or empties) both tables in {@code dir} owner-only, says so loudly, and records it once in the audit
     * log under the key-exchange token {@code token}.
     */
    public static WiresharkKeyTables open(Path dir, ResidencyTier tier, AuditSink audit, String token)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("debug.wireshark-keys: not a directory: " + dir);
        }
        WiresharkKeyTables t =
                new WiresharkKeyTables(dir, tier, TableFile.create(dir, IKEV2_TABLE), TableFile.create(dir, ESP_TABLE));
        LOG.warn(
                "debug.wireshark-keys is ON: the keys of every live IKE SA (SK_e, SK_a) and CHILD_SA (ESP) go to {}/{{},{}}; "
                        + "whoever reads them decrypts this gateway's IKE and ESP traffic. Tier {}: host-resident {}; "
                        + "sealed keys are never written. Turn it off after debugging.",
                dir,
                IKEV2_TABLE,
                ESP_TABLE,
                tier.configName(),
                t.onHost);
        try {
            audit.append(new AuditRecord(
                            Instant.now(),
                            token,
                            "wireshark-keys",
                            IKEV2_TABLE + "+" + ESP_TABLE,
                            dir.toString(),
                            AuditContext.NONE,
                            "enabled",
                            0))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            t.close();
            throw new IOException("debug.wireshark-keys: the audit record could not be written", e);
        }
        return t;
    }

    /** The directory both tables are in. */
    public Path directory() {
        return dir;
    }

    @Override
    public void ikeSaKeyed(long spiI, long spiR, ProtectionSuite suite, IkeSaSecrets keys) {
        guarded("IKE SA row", () -> ikeRow(spiI, spiR, suite, keys));
    }

    private void ikeRow(long spiI, long spiR, ProtectionSuite suite, IkeSaSecrets keys) {
        String sa = HEX.toHexDigits(spiI) + "_i " + HEX.toHexDigits(spiR) + "_r";
        if (!hostResident(HostResidentKeys.Role.SK_E, HostResidentKeys.Role.SK_A)) {
            return;
        }
        Optional<String> encryption = WiresharkNames.ikeEncryption(suite);
        if (encryption.isEmpty()) {
            once("ike-" + suite, "IKE SAs with " + suite + " get no row: Wireshark's IKEv2 table cannot decrypt it");
            return;
        }
        List<HostKey> four = List.of(keys.skEi(), keys.skEr(), keys.skAi(), keys.skAr());
        if (four.stream().anyMatch(HostKey::isDestroyed)) {
            once("ike-destroyed", "an IKE SA's SK_e/SK_a were already zeroized: no row for it (" + sa + ")");
            return;
        }
        // SPIi, SPIr, SK_ei, SK_er, encryption, SK_ai, SK_ar, integrity: Wireshark's IKEv2 UAT columns.
        TableRow row = new TableRow.Builder()
                .hex(spiI, 16)
                .text(",")
                .hex(spiR, 16)
                .text(",")
                .endPrefix()
                .hex(keys.skEi())
                .text(",")
                .hex(keys.skEr())
                .text(",")
                .quoted(encryption.get())
                .text(",")
                .hex(keys.skAi())
                .text(",")
                .hex(keys.skAr())
                .text(",")
                .quoted(WiresharkNames.ikeIntegrity(suite.integrity()))
                .build();
        submit("IKE SA " + sa, () -> {
            try {
                ike.append(row.line());
            } finally {
                row.wipe();
            }
            LOG.warn("debug.wireshark-keys: wrote the keys of IKE SA {} to {}", sa, ike.path());
        });
    }

    @Override
    public void ikeSaEnded(long spiI, long spiR) {
        byte[] prefix = new TableRow.Builder()
                .hex(spiI, 16)
                .text(",")
                .hex(spiR, 16)
                .text(",")
                .endPrefix()
                .build()
                .prefix();
        submit("removal of IKE SA", () -> ike.remove(prefix));
    }

    /** {@code inner}, and each CHILD_SA it installs gets its two rows in {@code esp_sa} until it is removed. */
    public ChildSaInstaller installer(ChildSaInstaller inner) {
        return new ChildSaInstaller() {
            @Override
            public void install(ChildSaRecord sa, ChildSaKeys keys) {
                inner.install(sa, keys);
                guarded("CHILD_SA rows", () -> childInstalled(sa, keys));
            }

            @Override
            public void remove(ChildSaRecord sa) {
                inner.remove(sa);
                childRemoved(sa);
            }

            @Override
            public ChildSaTraffic traffic(ChildSaRecord sa) {
                return inner.traffic(sa);
            }

            @Override
            public String toString() {
                return inner + " (+ esp_sa rows)";
            }
        };
    }

    private void childInstalled(ChildSaRecord sa, ChildSaKeys keys) {
        if (!hostResident(HostResidentKeys.Role.KEYMAT)) {
            return;
        }
        ProtectionSuite suite = sa.suite().protection();
        Optional<String> encryption = WiresharkNames.espEncryption(suite.encryption());
        if (encryption.isEmpty()) {
            once("esp-" + suite, "CHILD_SAs with " + suite + " get no row: Wireshark's ESP table cannot decrypt it");
            return;
        }
        String auth = WiresharkNames.espAuthentication(suite.integrity());
        boolean we = sa.initiator();
        // The peer sends to us under our SPI with its keys; we send under its SPI with ours (RFC 7296 §2.17).
        TableRow in = espRow(
                sa.remote(),
                sa.local(),
                sa.inboundSpi(),
                encryption.get(),
                keys.inboundEncryption(we),
                auth,
                keys.inboundIntegrity(we));
        TableRow out = espRow(
                sa.local(),
                sa.remote(),
                sa.outboundSpi(),
                encryption.get(),
                keys.outboundEncryption(we),
                auth,
                keys.outboundIntegrity(we));
        String what = sa.connection() + "{" + sa.name() + "} SPIs "
                + String.format("%08x_i %08x_o", sa.inboundSpi(), sa.outboundSpi());
        submit("CHILD_SA " + what, () -> {
            try {
                esp.append(in.line());
                esp.append(out.line());
            } finally {
                in.wipe();
                out.wipe();
            }
            LOG.warn("debug.wireshark-keys: wrote the ESP keys of CHILD_SA {} to {}", what, esp.path());
        });
    }

    private void childRemoved(ChildSaRecord sa) {
        byte[] in = espPrefix(sa.remote(), sa.local(), sa.inboundSpi());
        byte[] out = espPrefix(sa.local(), sa.remote(), sa.outboundSpi());
        submit("removal of CHILD_SA", () -> {
            esp.remove(in);
            esp.remove(out);
        });
    }

    /** Protocol, source, destination, SPI, encryption and its key, authentication and its key: the ESP UAT columns. */
    private static TableRow espRow(
            InetSocketAddress src,
            InetSocketAddress dst,
            int spi,
            String encryption,
            HostKey encryptionKey,
            String auth,
            HostKey authKey) {
        TableRow.Builder b = espStart(src, dst, spi)
                .quoted(encryption)
                .text(",\"0x")
                .hex(encryptionKey)
                .text("\",")
                .quoted(auth)
                .text(",\"");
        if (authKey != null && authKey.length() > 0) {
            b.text("0x").hex(authKey);
        }
        return b.text("\"").build();
    }

    private static byte[] espPrefix(InetSocketAddress src, InetSocketAddress dst, int spi) {
        return espStart(src, dst, spi).build().prefix();
    }

    private static TableRow.Builder espStart(InetSocketAddress src, InetSocketAddress dst, int spi) {
        return new TableRow.Builder()
                .quoted(src.getAddress() instanceof Inet6Address ? "IPv6" : "IPv4")
                .text(",")
                .quoted(src.getAddress().getHostAddress())
                .text(",")
                .quoted(dst.getAddress().getHostAddress())
                .text(",\"0x")
                .hex(Integer.toUnsignedLong(spi), 8)
                .text("\",")
                .endPrefix();
    }

    /** Whether the tier keeps every one of {@code roles} on the host; if not, says once that no row is written. */
    private boolean hostResident(HostResidentKeys.Role... roles) {
        for (HostResidentKeys.Role r : roles) {
            if (!onHost.contains(r)) {
                once(
                        "sealed-" + r,
                        r + " is sealed in the key-exchange token at tier " + tier.configName()
                                + ": no Wireshark row needs it written, and none is");
                return false;
            }
        }
        return true;
    }

    /** A debugging aid must not fail an exchange: what goes wrong here is logged (once per kind) and ignored. */
    private void guarded(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            once("failed-" + what, what + " not written: " + e.getClass().getSimpleName());
        }
    }

    private void once(String key, String message) {
        if (said.add(key)) {
            LOG.warn("debug.wireshark-keys: {}", message);
        }
    }

    /** File work on the writer thread; a full queue drops it with a warning instead of blocking the SA. */
    private void submit(String what, IoTask task) {
        try {
            writer.execute(() -> {
                try {
                    task.run();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("debug.wireshark-keys: {} not written: {}", what, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warn(
                    "debug.wireshark-keys: {} dropped: the writer is {}",
                    what,
                    writer.isShutdown() ? "stopped" : "behind");
        }
    }

    @FunctionalInterface
    private interface IoTask {
        void run() throws IOException;
    }

    /** Waits (bounded) for queued rows, then empties both tables: no SA outlives the daemon. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
        for (TableFile f : List.of(ike, esp)) {
            try {
                f.clear();
            } catch (IOException e) {
                LOG.warn("debug.wireshark-keys: could not empty {}: {}", f.path(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "WiresharkKeyTables[" + dir + ", tier " + tier.configName() + "]";
    }
}
