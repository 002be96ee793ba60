package io.ikeseal.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's verbs join ikeseal's CLI through the CliExtension service, where --help has always listed them. */
class DemoCliExtensionTest {
    @TempDir
    Path dir;

    @Test
    void helpListsTheDemoVerbsAfterRunAndInitiate() {
        Cli.Result h = Cli.run("--help");
        assertEquals(0, h.exit(), h.toString());
        List<String> verbs = h.out()
                .lines()
                .dropWhile(l -> !l.equals("Commands:"))
                .skip(1)
                .takeWhile(l -> !l.isEmpty())
                .filter(l -> l.matches("  \\S.*"))
                .map(l -> l.strip().split(" ", -1)[0])
                .toList();
        assertEquals(
                List.of(
                        "run",
                        "initiate",
                        "sas",
                        "terminate",
                        "rekey",
                        "tokens",
                        "reload",
                        "demo",
                        "setup-demo",
                        "token",
                        "audit",
                        "bench",
                        "help"),
                verbs,
                h.out());
        // picocli wraps the footer to the terminal's width
        assertTrue(
                h.out()
                        .replaceAll("\\s+", " ")
                        .endsWith(" nothing was attempted Start with: ikeseal demo (creates "
                                + ".ikeseal/demo, then runs a gateway and a branch office on loopback) "),
                h.out());
    }

    @Test
    void demoVerbsKeepTheirHelpAndVersion() {
        Cli.Result help = Cli.run("help", "setup-demo");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: ikeseal setup-demo [-hV] [--debug] [--force] DIR"), help.out());
        Cli.Result v = Cli.run("demo", "--version");
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().startsWith("ikeseal "), v.out());
    }

    @Test
    void setupDemoRefusesANonEmptyDirectory() throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep me");
        Cli.Result r = Cli.run("setup-demo", dir.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("ikeseal: " + dir + " is not empty; choose a new directory or add --force\n", r.err());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("precious.txt")), files.toList());
        }
    }
}
