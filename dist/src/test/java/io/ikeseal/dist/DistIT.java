package io.ikeseal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.testhsm.SoftHsmToken;

/**
 * The artefacts {@code scripts/package-dist} made at {@code package}: the tarball runs on its own jlink runtime
 * (no JDK on PATH, no JAVA_HOME) against a real SoftHSM token; the Debian package holds the same tree under
 * /opt/ikeseal with the unit and a postinst that makes the system user; the unit passes {@code systemd-analyze
 * verify} and its offline security exposure stays "OK".
 */
class DistIT {
    static final Path TARGET =
            Path.of(System.getProperty("ikeseal.dist", "target")).toAbsolutePath();
    static final String VERSION = System.getProperty("ikeseal.version", "0.1.0-SNAPSHOT");

    @TempDir
    static Path work;

    static Path unpacked;

    @BeforeAll
    static void unpack() throws Exception {
        Path tarball = TARGET.resolve("ikeseal-" + VERSION + "-linux-x64.tar.gz");
        assertTrue(Files.isRegularFile(tarball), tarball + " was built at package");
        Run tar = run(List.of("tar", "-xzf", tarball.toString(), "-C", work.toString()), Map.of());
        assertEquals(0, tar.exit(), tar.toString());
        unpacked = work.resolve("ikeseal-" + VERSION);
    }

    @Test
    void tarballHoldsLauncherRuntimeAndOnlyTheDaemonsJars() throws Exception {
        Path launcher = unpacked.resolve("bin/ikeseal");
        assertTrue(Files.isExecutable(launcher));
        assertTrue(Files.readString(launcher).contains("exec \"$here/runtime/bin/java\""), "exec: the JVM is MAINPID");
        List<String> jars;
        try (Stream<Path> s = Files.list(unpacked.resolve("lib"))) {
            jars = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("host-agent-")), jars.toString());
        for (String never : List.of("test-hsm", "ikeseal-demo", "junit", "jazzer", "jmh", "archunit")) {
            assertTrue(jars.stream().noneMatch(j -> j.contains(never)), never + " in " + jars);
        }
        Run modules = run(List.of(unpacked.resolve("runtime/bin/java").toString(), "--list-modules"), Map.of());
        for (String m : List.of("jdk.crypto.cryptoki", "jdk.net", "jdk.httpserver", "java.base")) {
            assertTrue(modules.out().contains(m + "@"), m + " in the runtime:\n" + modules);
        }
        assertFalse(modules.out().contains("jdk.compiler@"), "no compiler in a gateway's runtime");
        for (String f : List.of(
                "share/systemd/ikeseal.service",
                "share/systemd/data-plane.conf",
                "share/config/ikeseal.example.yaml",
                "share/doc/README.md",
                "share/doc/BUILD")) {
            assertTrue(Files.isRegularFile(unpacked.resolve(f)), f);
        }
    }

    @Test
    void versionNamesTheBuildOnTheBundledRuntimeAlone() throws Exception {
        Run v = launcher("--version");
        assertEquals(0, v.exit(), v.toString());
        String first = v.out().lines().findFirst().orElseThrow();
        assertTrue(
                first.matches("ikeseal " + VERSION.replace(".", "\\.") + " \\(commit [0-9a-f]{7,40}(-dirty)?, .*\\)"),
                v.out());
        assertTrue(Files.readString(unpacked.resolve("share/doc/BUILD")).contains("commit="), "BUILD names it too");
        Run help = launcher("--help");
        assertEquals(0, help.exit(), help.toString());
        assertFalse(help.out().contains("setup-demo"), "the package carries no demo");
    }

    /** SunPKCS11, FFM and the audit log in the jlink image: a real SoftHSM token probed, the audit log verified. */
    @Test
    void probesARealTokenOnTheBundledRuntime() throws Exception {
        try (SoftHsmToken kx = SoftHsmToken.create(Files.createDirectory(work.resolve("tokens")), "dist-kx")) {
            Path config = work.resolve("ikeseal.yaml");
            Files.writeString(config, """
                    audit:
                      log: audit.log
                    tokens:
                      - name: hsm
                        module: %s
                        token: %s
                        pin-file: %s
                        environment:
                          SOFTHSM2_CONF: %s
                        roles: [key-exchange]
                        tier: compat
                        threads: 1
                    """.formatted(kx.library(), kx.label(), kx.pinFile(), kx.conf()));
            Run probe = launcher("token", "probe", "--config", config.toString());
            assertEquals(0, probe.exit(), probe.toString());
            assertTrue(probe.out().contains("\"name\" : \"hsm\""), probe.out());
            Run verify = launcher("audit", "verify", work.resolve("audit.log").toString());
            assertEquals(0, verify.exit(), verify.toString());
        }
    }

    @Test
    void debianPackageInstallsTheTreeTheUnitAndTheUser() throws Exception {
        Path deb = TARGET.resolve("ikeseal_" + VERSION.replace("-SNAPSHOT", "~snapshot") + "_amd64.deb");
        Run info = run(
                List.of("dpkg-deb", "--field", deb.toString(), "Package", "Version", "Architecture", "Depends"),
                Map.of());
        assertEquals(0, info.exit(), info.toString());
        assertTrue(info.out().contains("Package: ikeseal"), info.out());
        assertTrue(info.out().contains("Depends: adduser"), info.out());
        Run contents = run(List.of("dpkg-deb", "--contents", deb.toString()), Map.of());
        for (String path : List.of(
                "./opt/ikeseal/bin/ikeseal",
                "./opt/ikeseal/runtime/bin/java",
                "./lib/systemd/system/ikeseal.service",
                "./etc/ikeseal/credentials/")) {
            assertTrue(contents.out().contains(path), path + " in\n" + contents.out());
        }
        assertTrue(contents.out().lines().allMatch(l -> l.contains(" root/root ")), "root-owned files");
        assertTrue(
                contents.out().contains("drwx------ root/root         0 "),
                "credentials/ is root-only:\n" + contents.out());
        Path control = work.resolve("control");
        assertEquals(
                0,
                run(List.of("dpkg-deb", "--control", deb.toString(), control.toString()), Map.of())
                        .exit());
        String postinst = Files.readString(control.resolve("postinst"));
        assertTrue(postinst.contains("adduser --system --group"), postinst);
        Run sh = run(List.of("sh", "-n", control.resolve("postinst").toString()), Map.of());
        assertEquals(0, sh.exit(), "postinst parses: " + sh);
    }

    /**
     * The unit as installed: verified in a root holding /opt/ikeseal/bin/ikeseal and the host's own system units
     * (systemd-analyze reports problems on its output and still exits 0, so the output must be empty), and its
     * offline security exposure at most 3.0 ("OK").
     */
    @Test
    void unitPassesSystemdAnalyzeVerifyAndSecurity() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        Path bin = Files.createDirectories(root.resolve("opt/ikeseal/bin")).resolve("ikeseal");
        Files.copy(unpacked.resolve("bin/ikeseal"), bin);
        Files.setPosixFilePermissions(bin, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_EXECUTE));
        Path units = Files.createDirectories(root.resolve("etc/systemd/system"));
        Files.copy(unpacked.resolve("share/systemd/ikeseal.service"), units.resolve("ikeseal.service"));
        Path dropIn = Files.createDirectories(units.resolve("ikeseal.service.d"));
        Files.copy(unpacked.resolve("share/systemd/data-plane.conf"), dropIn.resolve("data-plane.conf"));
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        assertEquals(
                0,
                run(
                                List.of(
                                        "cp",
                                        "-a",
                                        "/usr/lib/systemd/system",
                                        root.resolve("usr/lib/systemd").toString()),
                                Map.of())
                        .exit());
        Run verify = run(List.of("systemd-analyze", "verify", "--root=" + root, "ikeseal.service"), Map.of());
        assertEquals(0, verify.exit(), verify.toString());
        assertEquals("", verify.out() + verify.err(), "no warning about the unit or its drop-in");
        Run security = run(
                List.of(
                        "systemd-analyze",
                        "security",
                        "--offline=true",
                        "--root=" + root,
                        "--threshold=30",
                        "--no-pager",
                        "ikeseal.service"),
                Map.of());
        assertEquals(0, security.exit(), security.toString());
        assertTrue(security.out().contains("Overall exposure level for ikeseal.service"), security.out());
    }

    private static Run launcher(String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(unpacked.resolve("bin/ikeseal").toString()));
        command.addAll(List.of(args));
        // no JDK to fall back on: the bundled runtime alone
        return run(command, Map.of("PATH", "/usr/bin:/bin"));
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs a command with a clean environment plus {@code env}, for at most 60 s. */
    static Run run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish within 60 s");
        }
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
