package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.daemon.TestDeployment;

/** {@code ikeseal bench handshake} on a {@link BenchDirectory}. */
class BenchHandshakeCommandTest {
    @TempDir
    static Path dir;

    static TestDeployment deployment;

    @BeforeAll
    static void demoShapedDirectory() throws Exception {
        deployment = BenchDirectory.create(dir);
    }

    @AfterAll
    static void close() {
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    void establishesTheHandshakesAndReportsTheirTimes() throws Exception {
        Cli.Result r = Cli.run(
                "bench", "handshake", "--dir", dir.toString(), "--count", "6", "--in-flight", "2", "--warmup", "2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(
                r.out()
                        .startsWith("bench handshake: 6 IKE SA + CHILD_SA handshakes ikeseal <-> ikeseal on "
                                + "127.0.0.1, 2 in flight, after 2 warm-up\n"),
                r.out());
        assertTrue(r.out().contains("  connection gateway: aes256gcm16-prfsha256-ecp256\n"), r.out());
        assertTrue(r.out().matches("(?s).*\n  time to establish +\\d+\\.\\d\\d +\\d+\\.\\d\\d\n.*"), r.out());
        assertTrue(
                r.out().matches("(?s).*\n  token time inside \\(both ends\\) +\\d+\\.\\d\\d +\\d+\\.\\d\\d\n.*"),
                r.out());
        assertTrue(
                r.out().matches("(?s).*\n  throughput \\d+\\.\\d handshakes/s \\(6 in \\d+\\.\\d{3} s\\)\n"), r.out());
        // One first handshake, the warm-up and the measured ones, each with two key pairs in the HSM, audited in the
        // gateway's log (the one TokenSet of both daemons); and the one of the HSM's start-up self-test.
        long keygens = Files.readAllLines(dir.resolve("audit.log")).stream()
                .filter(l -> l.contains("\"op\":\"dh-keygen\""))
                .count();
        assertEquals(2 * (1 + 2 + 6) + 1, keygens);
    }

    @Test
    void aDirectoryWithoutTheBranchConfigurationIsAUsageError() {
        Cli.Result r =
                Cli.run("bench", "handshake", "--dir", dir.resolve("nowhere").toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(
                r.err().contains("ikeseal.yaml not found: --dir must be a directory made by ikeseal setup-demo"),
                r.err());
    }
}
