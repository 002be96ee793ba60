package io.ikeseal.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.ikeseal.testhsm.ChildJvm;

/**
 * The class paths {@code ./ikeseal} builds from the packaged modules, checked after {@code package} (./check runs
 * it; a plain {@code mvn test} does not): the daemon's verbs run on host-agent's jar and {@code host-agent/target/lib}
 * alone, which must hold no test fixture (test-hsm, so no strongSwan driver), no JUnit and no demo; {@code demo} and
 * {@code setup-demo} add this module's jar and {@code demo/target/lib}, which bring the fixtures but still no JUnit.
 */
@Tag(RuntimeClassPathIT.PACKAGED)
class RuntimeClassPathIT {
    /** The tag of tests that need the packaged modules (see this module's pom: the surefire executions). */
    static final String PACKAGED = "packaged";

    static final Path ROOT =
            Path.of(System.getProperty("ikeseal.root", "..")).toAbsolutePath().normalize();
    static final List<String> NEVER_IN_THE_DAEMON =
            List.of("test-hsm", "ikeseal-demo", "junit", "opentest4j", "apiguardian", "jazzer", "jmh");

    @Test
    void daemonClassPathHoldsNoFixtureTestFrameworkOrDemo() throws Exception {
        List<Path> daemon = daemonClassPath();
        for (Path jar : daemon) {
            String name = jar.getFileName().toString();
            assertTrue(NEVER_IN_THE_DAEMON.stream().noneMatch(name::contains), name + " on the daemon's class path");
        }
        try (JarFile jar = new JarFile(daemon.getFirst().toFile())) {
            assertNull(
                    jar.getManifest() == null
                            ? null
                            : jar.getManifest().getMainAttributes().getValue("Class-Path"),
                    "the daemon's jar pulls in nothing through its manifest");
        }
        try (URLClassLoader loader = loader(daemon)) {
            assertLoads(loader, "io.ikeseal.agent.cli.Main");
            for (String absent : List.of(
                    "io.ikeseal.testhsm.TestCa",
                    "io.ikeseal.testhsm.strongswan.Charon",
                    "io.ikeseal.demo.SetupDemoCommand",
                    "org.junit.jupiter.api.Test")) {
                assertThrows(ClassNotFoundException.class, () -> Class.forName(absent, false, loader), absent);
            }
            assertEquals(List.of(), extensions(loader));
        }
    }

    @Test
    void demoClassPathAddsTheFixturesButNoJunit() throws Exception {
        try (URLClassLoader loader = loader(demoClassPath())) {
            assertEquals(List.of(DemoCliExtension.class.getName()), extensions(loader));
            assertLoads(loader, "io.ikeseal.testhsm.SoftHsmToken");
            assertThrows(
                    ClassNotFoundException.class, () -> Class.forName("org.junit.jupiter.api.Test", false, loader));
        }
    }

    /** The CLI itself, as ./ikeseal runs it: the daemon knows no setup-demo; with the demo module it does. */
    @Test
    void cliOnEachClassPath() throws Exception {
        Run daemonHelp = java(daemonClassPath(), "--help");
        assertEquals(0, daemonHelp.exit(), daemonHelp.toString());
        assertFalse(daemonHelp.out().contains("setup-demo"), daemonHelp.out());
        Run noSetup = java(
                daemonClassPath(),
                "setup-demo",
                ROOT.resolve("demo/target/never").toString());
        assertEquals(2, noSetup.exit(), noSetup.toString());
        assertTrue(
                noSetup.err().startsWith("ikeseal: Unmatched arguments from index 0: 'setup-demo', "), noSetup.err());
        assertFalse(Files.exists(ROOT.resolve("demo/target/never")));

        Run demoHelp = java(demoClassPath(), "--help");
        assertEquals(0, demoHelp.exit(), demoHelp.toString());
        assertTrue(demoHelp.out().contains("\n  setup-demo  Create a demo deployment in DIR"), demoHelp.out());
    }

    /** host-agent's jar, then its target/lib: what ./ikeseal gives run, initiate, token, audit and bench. */
    static List<Path> daemonClassPath() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(jar(ROOT.resolve("host-agent/target"), "host-agent-"));
        out.addAll(jars(ROOT.resolve("host-agent/target/lib")));
        return out;
    }

    /** The daemon's class path, then this module's jar and its target/lib: what ./ikeseal gives demo and setup-demo. */
    static List<Path> demoClassPath() throws IOException {
        List<Path> out = daemonClassPath();
        out.add(jar(ROOT.resolve("demo/target"), "ikeseal-demo-"));
        out.addAll(jars(ROOT.resolve("demo/target/lib")));
        return out;
    }

    private static Path jar(Path dir, String prefix) throws IOException {
        List<Path> found = jars(dir).stream()
                .filter(p -> p.getFileName().toString().startsWith(prefix))
                .toList();
        assertEquals(1, found.size(), "one packaged " + prefix + "*.jar in " + dir + " (run after package): " + found);
        return found.getFirst();
    }

    private static List<Path> jars(Path dir) throws IOException {
        assertTrue(Files.isDirectory(dir), dir + " is made by package");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar"))
                    .sorted()
                    .toList();
        }
    }

    /** Sees only the given jars and the JDK, not this test's class path. */
    private static URLClassLoader loader(List<Path> classPath) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path p : classPath) {
            urls.add(p.toUri().toURL());
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    private static void assertLoads(ClassLoader loader, String name) {
        assertDoesNotThrow(() -> Class.forName(name, false, loader), name);
    }

    /** The CliExtension providers the CLI would find, by class name (none is instantiated). */
    private static List<String> extensions(ClassLoader loader) throws ClassNotFoundException {
        Class<?> service = Class.forName("io.ikeseal.agent.cli.CliExtension", false, loader);
        return ServiceLoader.load(service, loader).stream()
                .map(p -> p.type().getName())
                .toList();
    }

    private record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** ikeseal in a JVM of its own on the given class path, with this JVM's module flags. */
    private static Run java(List<Path> classPath, String... args) throws Exception {
        List<String> command = ChildJvm.command(
                List.of(),
                String.join(
                        java.io.File.pathSeparator,
                        classPath.stream().map(Path::toString).toList()),
                "io.ikeseal.agent.cli.Main",
                List.of(args));
        Path out = Files.createTempFile("ikeseal-cli", ".out");
        Path err = Files.createTempFile("ikeseal-cli", ".err");
        try {
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try {
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ikeseal " + String.join(" ", args) + " exits in time");
            } finally {
                p.destroyForcibly();
            }
            return new Run(
                    p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
