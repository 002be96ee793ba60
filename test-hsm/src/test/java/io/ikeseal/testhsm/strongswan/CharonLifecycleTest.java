package io.ikeseal.testhsm.strongswan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.testhsm.MissingPackageException;

class CharonLifecycleTest {
    @TempDir
    Path base;

    @Test
    void startsOnItsOwnPortsAndLeavesNothingBehindWhenClosed() throws Exception {
        Charon charon = Charon.start(base, "life");
        long pid = charon.pid();
        Path dir = charon.dir();
        assertTrue(charon.isAlive());
        assertTrue(
                ProcessHandle.of(pid).orElseThrow().info().command().orElse("").endsWith("charon-systemd"));
        assertTrue(charon.ikePort() > 1024 && charon.natTPort() > 1024 && charon.ikePort() != charon.natTPort());
        String conf = Files.readString(dir.resolve("strongswan.conf"));
        assertTrue(conf.contains("port = " + charon.ikePort() + "\n"), conf);
        assertTrue(conf.contains("port_nat_t = " + charon.natTPort() + "\n"), conf);
        assertTrue(charon.log().contains("loaded plugins: charon-systemd random nonce openssl"), charon::log);
        assertTrue(charon.swanctl(Duration.ofSeconds(10), "--stats")
                .orThrow()
                .stdout()
                .contains("worker threads"));
        assertEquals(List.of(), charon.listSas());
        var bad = assertThrows(
                IllegalStateException.class,
                () -> charon.load(SwanctlConf.of(Connection.named("bad")
                        .proposals("no-such-cipher")
                        .local(Auth.psk("a"))
                        .remote(Auth.psk("b")))));
        assertTrue(bad.getMessage().contains("loading connection 'bad' failed"), bad.getMessage());

        charon.close();

        assertFalse(charon.isAlive());
        assertTrue(
                ProcessHandle.of(pid).isEmpty() || !ProcessHandle.of(pid).get().isAlive(), "pid " + pid);
        assertFalse(Files.exists(dir));
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(charon.ikePort()))) {
            assertEquals(charon.ikePort(), s.getLocalPort(), "the IKE port is free again");
        }
        charon.close(); // idempotent
        assertThrows(IllegalStateException.class, charon::listSas);
    }

    @Test
    void aDirectoryTooDeepForAUnixSocketGetsTheViciSocketElsewhere() throws Exception {
        Path deep = base.resolve("d".repeat(60)).resolve("e".repeat(60));
        Set<Path> before = viciDirs();
        Set<Path> during;
        try (Charon charon = Charon.start(deep, "deep")) {
            assertEquals(List.of(), charon.listSas());
            assertFalse(Files.exists(charon.dir().resolve("charon.vici")));
            during = viciDirs();
        }
        during.removeAll(before);
        assertEquals(1, during.size(), during::toString);
        assertFalse(Files.exists(during.iterator().next()), "the socket's directory is removed");
    }

    private static Set<Path> viciDirs() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("charon-vici-"))
                    .collect(Collectors.toCollection(HashSet::new));
        }
    }

    @Test
    void aTakenPortFailsWithCharonsLog() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0)) {
            int port = taken.getLocalPort();
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> Charon.start(
                            base,
                            "taken",
                            CharonOptions.defaults().withPorts(port, port + 1 == 65536 ? 1025 : port + 1)));
            assertTrue(e.getMessage().contains("could not bind UDP ports " + port), e.getMessage());
            assertTrue(e.getMessage().contains("unable to bind socket: Address already in use"), e.getMessage());
        }
        try (var dirs = Files.list(base)) {
            assertEquals(List.of(), dirs.toList(), "the failed charon's directory is gone");
        }
    }

    @Test
    void aMissingPluginNamesItsPackageBeforeAnythingStarts() {
        var e = assertThrows(
                MissingPackageException.class,
                () -> Charon.start(base, "noplugin", CharonOptions.defaults().withPlugins("no-such-plugin")));
        assertEquals("libstrongswan", e.packageName());
    }

    @Test
    void optionsCheckWhatTheyAreGiven() {
        CharonOptions o = CharonOptions.defaults();
        assertEquals(Duration.ofMillis(4360), o.retransmitGiveUp(), "1 + 1.4 + 1.96 s");
        assertThrows(IllegalArgumentException.class, () -> o.withPorts(4500, 0));
        assertThrows(IllegalArgumentException.class, () -> o.withPorts(4500, 4500));
        assertThrows(IllegalArgumentException.class, () -> o.withThreads(8), "8 threads never answer on vici");
        assertEquals(
                CharonOptions.BASE_PLUGINS.size() + 1,
                o.withPlugins("pkcs11", "openssl").plugins().size());
    }
}
