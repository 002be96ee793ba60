package io.ikeseal.agent.wireshark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.api.Secret;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.testhsm.DebianTools;

/**
 * The rows without a daemon: AES-CBC with HMAC-SHA2 (SK_a present), a suite Wireshark cannot decrypt (no row), what
 * each tier keeps on the host, the one audit record, and that Debian's tshark loads what is written.
 */
class WiresharkKeyTablesTest {
    @TempDir
    Path dir;

    private final List<AuditRecord> audited = new CopyOnWriteArrayList<>();
    private final AuditSink audit = new AuditSink() {
        @Override
        public CompletableFuture<Void> append(AuditRecord record) {
            audited.add(record);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    };

    @Test
    void cbcRowsCarrySkAAndTsharkLoadsThem() throws Exception {
        Path ike = dir.resolve("wireshark").resolve(WiresharkKeyTables.IKEV2_TABLE);
        Files.createDirectories(ike.getParent());
        IkeSaSecrets keys = keys(32, 32);
        try (WiresharkKeyTables t = WiresharkKeyTables.open(ike.getParent(), ResidencyTier.SEALED, audit, "hsm")) {
            assertEquals(1, audited.size());
            assertEquals("wireshark-keys", audited.getFirst().operation());
            t.ikeSaKeyed(0x0102030405060708L, 0x1112131415161718L, ProtectionSuite.of(12, 256, 12), keys);
            await(() -> rows(ike).size() == 1);
            assertEquals(
                    "0102030405060708,1112131415161718," + hex(3, 32) + "," + hex(4, 32)
                            + ",\"AES-CBC-256 [RFC3602]\"," + hex(1, 32) + "," + hex(2, 32)
                            + ",\"HMAC_SHA2_256_128 [RFC4868]\"",
                    rows(ike).getFirst());
            assertEquals("", tsharkLoads(dir), "tshark's complaints about the tables");
            // ChaCha20-Poly1305: not in Wireshark's IKEv2 table, so no row (said once in the log).
            t.ikeSaKeyed(1, 2, ProtectionSuite.of(28, 256, 0), keys(36, 0));
            t.ikeSaEnded(0x0102030405060708L, 0x1112131415161718L);
            await(() -> rows(ike).isEmpty());
        }
        assertEquals(List.of(), rows(ike));
    }

    @Test
    void theTablesNeedOnlyWhatBothTiersKeepOnTheHost() {
        List<HostResidentKeys.Role> needed =
                List.of(HostResidentKeys.Role.SK_E, HostResidentKeys.Role.SK_A, HostResidentKeys.Role.KEYMAT);
        assertTrue(HostResidentKeys.of(ResidencyTier.SEALED).containsAll(needed));
        assertTrue(HostResidentKeys.of(ResidencyTier.COMPAT).containsAll(needed));
        for (HostResidentKeys.Role sealed :
                List.of(HostResidentKeys.Role.G_IR, HostResidentKeys.Role.SKEYSEED, HostResidentKeys.Role.SK_D)) {
            assertFalse(HostResidentKeys.of(ResidencyTier.SEALED).contains(sealed), sealed + "");
        }
    }

    /** SK_ai = 01.., SK_ar = 02.., SK_ei = 03.., SK_er = 04.. (each octet its role's number). */
    private static IkeSaSecrets keys(int eLength, int aLength) {
        return new IkeSaSecrets(
                new NoSecret(),
                key("SK_ai", 1, aLength),
                key("SK_ar", 2, aLength),
                key("SK_ei", 3, eLength),
                key("SK_er", 4, eLength),
                key("SK_pi", 5, 32),
                key("SK_pr", 6, 32));
    }

    private static HostKey key(String name, int fill, int length) {
        byte[] b = new byte[length];
        java.util.Arrays.fill(b, (byte) fill);
        return HostKey.adopt(name, b);
    }

    private static String hex(int fill, int length) {
        return String.format("%02x", fill).repeat(length);
    }

    /** tshark's error output when it loads the tables from {@code xdg}/wireshark (and reads an empty capture). */
    private static String tsharkLoads(Path xdg) throws Exception {
        Path pcap = xdg.resolve("empty.pcap");
        // A pcap file header: magic, version 2.4, no time zone, snap length 65535, link type 1 (Ethernet).
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(65535)
                .putInt(1);
        Files.write(pcap, h.array());
        ProcessBuilder pb = new ProcessBuilder(DebianTools.tshark().toString(), "-r", pcap.toString());
        pb.environment().put("XDG_CONFIG_HOME", xdg.toString());
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tshark -r did not finish");
        }
        List<String> complaints = new ArrayList<>();
        for (String l : new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList()) {
            if (!l.startsWith("Running as user")) {
                complaints.add(l);
            }
        }
        return String.join("\n", complaints);
    }

    private static List<String> rows(Path table) {
        try {
            return Files.readAllLines(table, StandardCharsets.US_ASCII).stream()
                    .filter(l -> !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 5 s");
            }
            Thread.sleep(10);
        }
    }

    /** SK_d stands in for a sealed handle: nothing here may read it, and nothing does. */
    private static final class NoSecret implements Secret {
        @Override
        public String name() {
            return "SK_d";
        }

        @Override
        public int length() {
            return 32;
        }

        @Override
        public void destroy() {}

        @Override
        public boolean isDestroyed() {
            return false;
        }
    }
}
