package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.daemon.TestDeployment;

/**
 * {@code ikeseal bench sas} on a {@link BenchDirectory}: its figures are measurements, so only their presence and
 * form are checked here; the SAs must all be established and all be gone at the end.
 */
class BenchSasCommandTest {
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
    void reportsTheRetainedHeapPerSaAndWhatIsLeftAfterDeletingThem() {
        Cli.Result r =
                Cli.run("bench", "sas", "--dir", dir.toString(), "--count", "8", "--in-flight", "2", "--no-rekeys");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(
                r.out()
                        .startsWith("bench sas: 8 IKE SA + CHILD_SA ikeseal <-> ikeseal on 127.0.0.1, 2 in flight; "
                                + "both ends in this JVM\n"),
                r.out());
        assertTrue(
                r.out()
                        .matches("(?s).*\n  retained per SA pair \\(both ends\\): -?\\d+ B; per IKE SA \\+ CHILD_SA "
                                + "\\(one end\\): -?\\d+ B = -?\\d+\\.\\d\\d KiB\n.*"),
                r.out());
        assertTrue(
                r.out()
                        .matches("(?s).*\n  per IKE SA \\+ CHILD_SA by role: responder -?\\d+ B = -?\\d+\\.\\d\\d KiB, "
                                + "initiator -?\\d+ B = -?\\d+\\.\\d\\d KiB\n.*"),
                r.out());
        assertTrue(
                r.out()
                        .matches("(?s).*\n  live PKCS#11 session objects \\(sun.security.pkcs11.Session\\): \\d+ at "
                                + "baseline, \\d+ with the SAs, \\d+ after deleting\n.*"),
                r.out());
        assertTrue(r.out().matches("(?s).*\n  left above baseline after deleting all SAs: .*"), r.out());
        assertTrue(
                r.out()
                        .matches("(?s).*\n  token objects of the deleted SAs destroyed \\d+ ms after the last delete "
                                + "\\(0 still queued\\)\n.*"),
                r.out());
        // 8 SAs: windows of half of them
        assertTrue(
                r.out()
                        .matches("(?s).*\n  rate of the first 4 SAs \\d+\\.\\d/s, of the last 4 \\d+\\.\\d/s "
                                + "\\(last/first \\d+\\.\\d\\d\\)\n.*"),
                r.out());
        assertTrue(r.out().contains("  classes that grew most, per IKE SA + CHILD_SA (one end):\n"), r.out());
    }

    @Test
    void rekeysEveryIkeSaAndEveryChildSaOnceWithinTheWindow() {
        Cli.Result r = Cli.run(
                "bench", "sas", "--dir", dir.toString(), "--count", "4", "--in-flight", "2", "--rekey-window", "1s");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("  rekeys, each at a uniformly random moment within 1 s"), r.out());
        assertTrue(r.out().matches("(?s).*\n    4 IKE SA rekeys: all done after .*; 0 failed; token time .*"), r.out());
        assertTrue(
                r.out().matches("(?s).*\n    4 CHILD_SA rekeys: all done after .*; 0 failed; token time .*"), r.out());
        assertTrue(r.out().matches("(?s).*\n  after the rekeys: heap used after GC .*"), r.out());
        assertTrue(r.out().matches("(?s).*token object handles \\{hsm=0, smartcard=0}.*"), r.out());
    }

    @Test
    void aCountOutOfRangeIsAUsageError() {
        Cli.Result r = Cli.run("bench", "sas", "--dir", dir.toString(), "--count", "0");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("need 1 <= --count <= 200000"), r.err());
    }
}
