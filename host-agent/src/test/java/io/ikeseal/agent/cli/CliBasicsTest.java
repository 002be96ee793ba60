package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.HashChainedAuditLog;

/** Exit codes, one-line errors, help and version, and audit verify: everything that needs no token. */
class CliBasicsTest {
    @TempDir
    Path dir;

    @Test
    void versionAndHelp() {
        Cli.Result v = Cli.run("--version");
        assertEquals(0, v.exit(), v.toString());
        assertTrue(v.out().startsWith("ikeseal "), v.out());
        // the build names its commit (scripts/build-info, run by host-agent's build in a git checkout)
        assertTrue(
                v.out()
                        .lines()
                        .findFirst()
                        .orElseThrow()
                        .matches(
                                "ikeseal (\\S+|development build) \\(commit [0-9a-f]{7,40}(-dirty)?, \\d{4}-\\d{2}-\\d{2}\\)"),
                v.out());
        Cli.Result h = Cli.run("--help");
        assertEquals(0, h.exit());
        for (String s : List.of("run", "initiate", "token", "audit", "bench", "Exit codes:", "2  bad command line")) {
            assertTrue(h.out().contains(s), s + " in\n" + h.out());
        }
        Cli.Result th = Cli.run("token", "import-psk", "--help");
        assertTrue(th.out().contains("--from-env"), th.out());
    }

    @Test
    void usageErrorsExit2WithOneLineAndAHint() {
        Cli.Result r = Cli.run("token", "probe");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("ikeseal: Missing required option: '--config=FILE'\nTry 'ikeseal token probe --help'.\n", r.err());
        assertEquals(2, Cli.run("frobnicate").exit());
        assertEquals(2, Cli.run("token").exit(), "a group without its subcommand");
        Cli.Result t = Cli.run("initiate", "gw", "--config", "x.yaml", "--timeout", "30 seconds");
        assertEquals(2, t.exit(), t.toString());
        assertEquals(
                "ikeseal: Invalid value for option '--timeout': '30 seconds' is not a duration (write e.g. 500ms, "
                        + "30s, 4h, 1h30m)\nTry 'ikeseal initiate --help'.\n",
                t.err());
        assertEquals(2, Cli.run("initiate", "--config", "x.yaml").exit(), "CONN is required");
    }

    @Test
    void configurationErrorExits2WithOneLineAndNoStackTrace() throws Exception {
        Path cfg = Files.writeString(dir.resolve("ikeseal.yaml"), """
                audit:
                  log: a.log
                tokens:
                  - name: x
                    module: /usr/lib/x.so
                    token: t
                    roles: [key-exchange]
                """);
        Cli.Result r = Cli.run("token", "probe", "--config", cfg.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals(
                "ikeseal: " + cfg.toAbsolutePath() + ": tokens[0].module: file not found: /usr/lib/x.so\n", r.err());
        assertEquals("", r.out());

        Cli.Result debug = Cli.run("token", "probe", "--config", cfg.toString(), "--debug");
        assertEquals(2, debug.exit());
        assertTrue(debug.err().contains("\tat io.ikeseal.agent.config."), "--debug prints the stack trace");
    }

    /** host-agent alone is the daemon: demo and setup-demo come from the demo module (a CliExtension). */
    @Test
    void theDaemonAloneHasNoDemoVerbs() {
        assertEquals(
                List.of("run", "initiate", "token", "audit", "bench", "help"),
                List.copyOf(Main.commandLine(new CliContext(
                                InputStream.nullInputStream(),
                                new PrintWriter(new StringWriter()),
                                new PrintWriter(new StringWriter()),
                                null))
                        .getSubcommands()
                        .keySet()));
        Cli.Result r = Cli.run("setup-demo", dir.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("ikeseal: Unmatched argument"), r.err());
    }

    @Test
    void auditVerifyGoodAndTampered() throws Exception {
        Path log = dir.resolve("audit.log");
        try (HashChainedAuditLog audit = HashChainedAuditLog.open(log)) {
            for (int i = 0; i < 5; i++) {
                audit.append(new AuditRecord(
                                Instant.now(),
                                "hsm",
                                "kx-derive",
                                "CKM_ECDH1_DERIVE",
                                null,
                                AuditContext.NONE,
                                "ok",
                                100 + i))
                        .get();
            }
        }
        Cli.Result ok = Cli.run("audit", "verify", log.toString());
        assertEquals(0, ok.exit(), ok.toString());
        assertEquals("audit log OK: 5 records\n", ok.out());

        Path copy = Files.createDirectory(dir.resolve("copy")).resolve("audit.log");
        List<String> lines = Files.readAllLines(log);
        lines.set(2, lines.get(2).replace("\"durationUs\":102", "\"durationUs\":1"));
        Files.write(copy, lines);
        Cli.Result bad = Cli.run("audit", "verify", copy.toString());
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("ikeseal: audit log BROKEN at line 3: "), bad.err());
        assertEquals(1, bad.err().lines().count());

        Cli.Result missing = Cli.run("audit", "verify", dir.resolve("nope.log").toString());
        assertEquals(2, missing.exit());

        Path head = dir.resolve("audit.log.head");
        Files.delete(head);
        Cli.Result noHead = Cli.run("audit", "verify", log.toString());
        assertEquals(0, noHead.exit(), noHead.toString());
        assertTrue(noHead.out().startsWith("audit log OK: 5 records\n  no head file " + head), noHead.out());
        Files.writeString(head, "{\"seq\":9,\"hash\":\"" + "0".repeat(64) + "\"}\n");
        Cli.Result aheadHead = Cli.run("audit", "verify", log.toString());
        assertEquals(1, aheadHead.exit(), aheadHead.toString());
        assertTrue(aheadHead.err().contains("log ends at seq 5 but head file says 9"), aheadHead.err());
    }
}
