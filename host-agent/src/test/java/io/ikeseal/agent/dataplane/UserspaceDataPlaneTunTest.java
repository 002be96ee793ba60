package io.ikeseal.agent.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.testhsm.ChildJvm;
import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.NetNamespace;

/**
 * The data plane on real TUN devices in two network namespaces this test creates (TunPlanesMain, a child JVM in
 * namespace A): pings both families and a TCP transfer cross through real ESP (AES-GCM-256) and arrive; each
 * end's counters agree with the other's and nothing is dropped. No IKE: the SA is installed directly.
 */
class UserspaceDataPlaneTunTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern TRAFFIC =
            Pattern.compile("([AB]): in (\\d+) packets/(\\d+) octets, out (\\d+) packets/(\\d+) octets; drops: (.*)");

    @TempDir
    Path dir;

    @Test
    void pingsAndTcpCrossRealTunsThroughEsp() throws Exception {
        try (NetNamespace nsA = NetNamespace.create("ikdpa");
                NetNamespace nsB = NetNamespace.create("ikdpb")) {
            Path out = dir.resolve("planes.stdout");
            Path err = dir.resolve("planes.stderr");
            Process child = new ProcessBuilder(
                            nsA.wrap(ChildJvm.command(List.of(), TunPlanesMain.class.getName(), List.of(nsB.name()))))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            String client = null;
            try {
                await(child, out, err, "ready");
                String ping = DebianTools.ping().toString();
                String v4 = nsA.run(ping, "-c", "3", "-W", "2", "10.2.0.1");
                assertTrue(v4.contains("3 received"), v4);
                String v6 = nsB.run(ping, "-6", "-c", "3", "-W", "2", "fd01::1");
                assertTrue(v6.contains("3 received"), v6);

                String iperf3 = DebianTools.iperf3().toString();
                Process server = new ProcessBuilder(nsB.wrap(List.of(iperf3, "-s", "-1", "-B", "10.2.0.1")))
                        .redirectOutput(dir.resolve("iperf3-server").toFile())
                        .redirectErrorStream(true)
                        .start();
                try {
                    client = null;
                    for (int i = 0; i < 50 && client == null; i++) { // until the server listens, 5 s at most
                        Thread.sleep(100);
                        try {
                            client = nsA.run(iperf3, "-c", "10.2.0.1", "-n", "8M");
                        } catch (IllegalStateException notYet) {
                            // connection refused: the server is not listening yet
                        }
                    }
                    assertTrue(client != null && client.contains("receiver"), String.valueOf(client));
                } finally {
                    server.destroyForcibly();
                }

                try (OutputStream in = child.getOutputStream()) {
                    in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                }
                if (!child.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    fail("child did not stop:\n" + all(out, err));
                }
                String report = Files.readString(out, StandardCharsets.UTF_8);
                assertEquals(0, child.exitValue(), all(out, err));
                Matcher m = TRAFFIC.matcher(report);
                long[][] counts = new long[2][];
                while (m.find()) {
                    // The kernel's own IPv6 chatter on a new link (router solicitations, MLD reports from fe80::)
                    // matches no SA: those drops are expected, no others.
                    assertTrue(m.group(6).matches("no drops|NO_OUTBOUND_SA \\d+"), report);
                    counts[m.group(1).equals("A") ? 0 : 1] = new long[] {
                        Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)),
                        Long.parseLong(m.group(5))
                    };
                }
                assertTrue(counts[0] != null && counts[1] != null, report);
                // The counters are read while the kernel may still send (a TCP FIN, an IPv6 report), one plane after
                // the other: a packet or two can be between the planes at the first read, or sent and received
                // between the two reads (then the receiver shows more than the sender's earlier figure).
                assertAgree(
                        counts[0][2], counts[0][3], counts[1][0], counts[1][1], "A sent what B received: " + report);
                assertAgree(
                        counts[1][2], counts[1][3], counts[0][0], counts[0][1], "B sent what A received: " + report);
                // iperf3's server stops counting at the client's end message, with data still in flight: its
                // receiver figure (and what crossed before the planes stopped) is some MB below the 8 MiB sent.
                assertTrue(counts[0][3] > 4_000_000, "the transfer went through ESP: " + report + client);
                assertTrue(report.contains("closed"), report);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static void await(Process child, Path out, Path err, String line) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.readString(out, StandardCharsets.UTF_8).contains(line)) {
            if (!child.isAlive()) {
                fail("child exited " + child.exitValue() + ":\n" + all(out, err));
            }
            if (System.nanoTime() > deadline) {
                fail("no '" + line + "' within " + WAIT + ":\n" + all(out, err));
            }
            Thread.sleep(50);
        }
    }

    private static String all(Path out, Path err) throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8) + "--- stderr\n"
                + Files.readString(err, StandardCharsets.UTF_8);
    }

    private static void assertAgree(long sentPackets, long sentOctets, long gotPackets, long gotOctets, String what) {
        long packets = gotPackets - sentPackets;
        long octets = gotOctets - sentOctets;
        assertTrue(Math.abs(packets) <= 2, what);
        // the same packets, or a difference of whole packets: octets differ in the direction the packets do
        assertTrue(packets == 0 ? octets == 0 : Long.signum(octets) == Long.signum(packets), what);
    }
}
