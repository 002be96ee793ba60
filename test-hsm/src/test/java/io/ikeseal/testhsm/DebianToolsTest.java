package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class DebianToolsTest {
    @Test
    void messageNamesThePathThePackageAndTheFix() {
        assertEquals(
                "softhsm2 is not installed: /usr/lib/softhsm/libsofthsm2.so missing; "
                        + "run ./check as root or apt-get install softhsm2",
                DebianTools.missingMessage("softhsm2", Path.of("/usr/lib/softhsm/libsofthsm2.so")));
    }

    @Test
    void missingCandidateFailsLoudlyWithTheFirstCandidate() {
        var e = assertThrows(
                MissingPackageException.class,
                () -> DebianTools.locate(
                        "libnss3",
                        List.of(Path.of("/nonexistent/libsoftokn3.so"), Path.of("/nonexistent/other/libsoftokn3.so"))));
        assertEquals("libnss3", e.packageName());
        assertEquals(DebianTools.missingMessage("libnss3", Path.of("/nonexistent/libsoftokn3.so")), e.getMessage());
    }

    @Test
    void installedToolsAreFound() {
        for (Path p : List.of(
                DebianTools.softhsm2Util(),
                DebianTools.certutil(),
                DebianTools.pkcs11Tool(),
                DebianTools.libSofthsm2(),
                DebianTools.libSoftokn3(),
                DebianTools.pkcs11Spy(),
                DebianTools.charonSystemd(),
                DebianTools.swanctl(),
                DebianTools.gcc())) {
            assertTrue(Files.isRegularFile(p), p::toString);
        }
        DebianTools.nssPkcs11Headers(); // p11trace's build: throws MissingPackageException naming the package
    }

    @Test
    void strongswanPluginsAreFoundAndAMissingOneNamesItsPackage() {
        for (String plugin : List.of(
                "openssl",
                "gcm",
                "curve25519",
                "chapoly",
                "kernel-libipsec",
                "kernel-netlink",
                "vici",
                "socket-default",
                "x509",
                "pkcs8")) {
            assertTrue(Files.isRegularFile(DebianTools.strongswanPlugin(plugin)), plugin);
        }
        assertEquals("libcharon-extra-plugins", DebianTools.strongswanPluginPackage("kernel-libipsec"));
        var e = assertThrows(MissingPackageException.class, () -> DebianTools.strongswanPlugin("no-such-plugin"));
        assertEquals("libstrongswan", e.packageName());
        assertTrue(
                e.getMessage().contains("/usr/lib/ipsec/plugins/libstrongswan-no-such-plugin.so missing"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DebianTools.strongswanPlugin("../x"));
    }

    @Test
    void subprocessFailureCarriesStderrAndHidesPins() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> Subprocess.run(
                        List.of(DebianTools.softhsm2Util().toString(), "--show-slots", "--pin", "secret123"),
                        java.util.Map.of("SOFTHSM2_CONF", "/nonexistent/softhsm2.conf")));
        assertTrue(e.getMessage().contains("exit code"), e.getMessage());
        assertTrue(e.getMessage().contains("stderr: ERROR: Could not load the SoftHSM configuration."), e.getMessage());
        assertTrue(!e.getMessage().contains("secret123"), e.getMessage());
    }
}
