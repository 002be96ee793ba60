package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.wireshark.WiresharkKeyTables;
import io.ikeseal.testhsm.DebianTools;

/**
 * debug.wireshark-keys against Debian's tshark (docs/operations-wire.md): tshark captures a handshake between two
 * daemons on lo, and with the gateway's ikev2_decryption_table, and only with it, shows IKE_AUTH's inner payloads.
 * The tables hold nothing but the SPIs and the keys the sealed tier hands the host (SK_e; SK_a is empty with AES-GCM;
 * the CHILD_SA's ESP keys as the installer got them), the branch office without the option writes no table, and the
 * rows go when the SAs end.
 */
class WiresharkKeysTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    /** Every bounded wait on tshark. */
    private static final long TSHARK_SECONDS = 20;

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{16,}");

    @TempDir
    Path tmp;

    @Test
    void tsharkDecodesIkeAuthWithTheTableThatHoldsNoSealedKey() throws Exception {
        Path tshark = DebianTools.tshark();
        // The layout of Wireshark's personal configuration: XDG_CONFIG_HOME/wireshark/<table>.
        Path conf = Files.createDirectories(tmp.resolve("config/wireshark"));
        Path ikeTable = conf.resolve(WiresharkKeyTables.IKEV2_TABLE);
        Path espTable = conf.resolve(WiresharkKeyTables.ESP_TABLE);
        Path pcap = tmp.resolve("handshake.pcap");
        try (Side gw = scenario.start(
                        "gateway", ConnectionYaml.gateway().section("debug:\n  wireshark-keys: \"" + conf + "\"\n"));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            for (Path t : List.of(ikeTable, espTable)) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t)), t + "");
                assertEquals(List.of(), rows(t), "no SA yet: " + t);
            }
            Scenario.Established sa;
            Process capture = capture(tshark, gw.port(), pcap);
            try {
                sa = Scenario.establish(br, gw);
                awaitCaptured(capture, gw.port(), pcap);
            } finally {
                stop(capture);
            }
            CapturingInstaller.Installed child = gw.keys().next();
            Scenario.await(
                    "the gateway's rows",
                    () -> rows(ikeTable).size() == 1 && rows(espTable).size() == 2);

            // SPIi, SPIr, SK_ei, SK_er, "encryption", SK_ai, SK_ar, "integrity"; AES-GCM-256 has no SK_a.
            List<String> ike = fields(rows(ikeTable).getFirst());
            String spiI = Scenario.hex(sa.initiator().spiI());
            String spiR = Scenario.hex(sa.initiator().spiR());
            assertEquals(
                    List.of(spiI, spiR, "\"AES-GCM-256 with 16 octet ICV [RFC5282]\"", "", "", "\"NONE [RFC4306]\""),
                    List.of(ike.get(0), ike.get(1), ike.get(4), ike.get(5), ike.get(6), ike.get(7)));
            assertEquals(72, ike.get(2).length(), "SK_ei: 32 octets of key and 4 of salt");
            assertEquals(72, ike.get(3).length(), "SK_er");

            // The CHILD_SA's two directions, keyed as the installer was (the KEYMAT the sealed tier hands the host).
            String gwAddress = gw.address().getHostAddress();
            int in = child.sa().inboundSpi();
            int out = child.sa().outboundSpi();
            String peerAddress = child.sa().remote().getAddress().getHostAddress();
            boolean initiator = child.sa().initiator();
            assertEquals(
                    Set.of(
                            espRow(peerAddress, gwAddress, in, initiator ? child.encR() : child.encI()),
                            espRow(gwAddress, peerAddress, out, initiator ? child.encI() : child.encR())),
                    Set.copyOf(rows(espTable)));

            // Nothing else: every hex string in both tables is an SPI, an SK_e or an ESP key of this SA.
            Set<String> allowed =
                    Set.of(spiI, spiR, ike.get(2), ike.get(3), child.encI(), child.encR(), hex8(in), hex8(out));
            for (Path t : List.of(ikeTable, espTable)) {
                Matcher m = HEX.matcher(Files.readString(t, StandardCharsets.US_ASCII));
                while (m.find()) {
                    assertTrue(allowed.contains(m.group()), "not a host-resident key of this SA in " + t);
                }
            }

            // tshark with the table shows IKE_AUTH's inner payloads; without it, only the encrypted payload.
            String with = decode(tshark, pcap, gw.port(), tmp.resolve("config"));
            String without = decode(tshark, pcap, gw.port(), Files.createDirectories(tmp.resolve("empty")));
            // (The encrypted payload names only its first inner payload's type, as "Next payload".)
            for (String inner : List.of(
                    "Payload: Identification - Initiator",
                    "Payload: Identification - Responder",
                    "Payload: Authentication",
                    TestDeployment.BRANCH,
                    TestDeployment.GATEWAY)) {
                assertTrue(with.contains(inner), "decoded IKE_AUTH lacks " + inner + ":\n" + with);
                assertFalse(without.contains(inner), "decoded without the table? " + inner);
            }
            assertTrue(with.contains("IKE_AUTH"), with);

            // The branch office, without the option, wrote no table anywhere in its deployment.
            try (Stream<Path> files = Files.walk(scenario.deployment().dir())) {
                assertEquals(
                        List.of(),
                        files.filter(p -> p.endsWith(WiresharkKeyTables.IKEV2_TABLE)
                                        || p.endsWith(WiresharkKeyTables.ESP_TABLE))
                                .toList());
            }
            // The SA ends: its rows go.
            br.daemon().gateway().deleteAll("test", java.time.Duration.ofSeconds(5));
            Scenario.await(
                    "rows removed",
                    () -> rows(ikeTable).isEmpty() && rows(espTable).isEmpty());
        }
        assertTrue(Files.readString(ikeTable).startsWith("#"), "emptied at stop, the comment stays");
    }

    /** tshark capturing UDP to and from {@code port} on lo into {@code pcap}, once it says it is capturing. */
    private static Process capture(Path tshark, int port, Path pcap) throws Exception {
        Process p = new ProcessBuilder(
                        tshark.toString(), "-i", "lo", "-f", "udp port " + port, "-w", pcap.toString(), "-q")
                .redirectErrorStream(true)
                .start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TSHARK_SECONDS);
        StringBuilder said = new StringBuilder();
        var reader = p.inputReader(StandardCharsets.UTF_8);
        while (System.nanoTime() < end) {
            String line = reader.readLine();
            if (line == null) {
                throw new AssertionError("tshark ended before capturing: " + said);
            }
            said.append(line).append('\n');
            if (line.startsWith("Capturing on")) {
                // Keep draining so tshark never blocks on a full pipe.
                Thread.ofVirtual().start(() -> reader.lines().forEach(l -> {}));
                // tshark says so a moment before dumpcap's filter is live (a handshake right away was missed)
                awaitCaptured(p, port, pcap);
                return p;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("tshark did not start capturing within " + TSHARK_SECONDS + " s: " + said);
    }

    /**
     * Sends NAT-keepalive datagrams (one 0xFF octet, RFC 3948 §2.3: the daemon ignores them) to {@code port} until
     * the capture file grows: the filter is live, and everything sent before the keepalive has been written.
     */
    private static void awaitCaptured(Process tshark, int port, Path pcap) throws Exception {
        long before = Files.exists(pcap) ? Files.size(pcap) : 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TSHARK_SECONDS);
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            while (System.nanoTime() < end) {
                s.send(new DatagramPacket(new byte[] {(byte) 0xFF}, 1, InetAddress.getLoopbackAddress(), port));
                Thread.sleep(20);
                if (Files.exists(pcap) && Files.size(pcap) > before) {
                    return;
                }
                assertTrue(tshark.isAlive(), "tshark ended while capturing");
            }
        }
        throw new AssertionError("tshark wrote no datagram to port " + port + " within " + TSHARK_SECONDS + " s");
    }

    /** SIGTERM makes tshark write out what it captured and exit. */
    private static void stop(Process capture) throws InterruptedException {
        capture.destroy();
        if (!capture.waitFor(TSHARK_SECONDS, TimeUnit.SECONDS)) {
            capture.destroyForcibly();
            throw new AssertionError("tshark did not stop");
        }
    }

    /** tshark -V of the capture's IKE_AUTH messages (the non-ESP-marker framing of a port other than 500: udpencap). */
    private static String decode(Path tshark, Path pcap, int port, Path xdgConfigHome) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        tshark.toString(),
                        "-r",
                        pcap.toString(),
                        "-d",
                        "udp.port==" + port + ",udpencap",
                        "-Y",
                        "isakmp.exchangetype == 35",
                        "-V")
                .redirectErrorStream(true);
        pb.environment().put("XDG_CONFIG_HOME", xdgConfigHome.toString());
        pb.environment().put("HOME", xdgConfigHome.toString());
        Process p = pb.start();
        CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (!p.waitFor(TSHARK_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tshark -r did not finish");
        }
        String out = text.get(TSHARK_SECONDS, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("Error loading table"), out);
        return out;
    }

    /** The rows of a table: its lines but the comment. */
    private static List<String> rows(Path table) {
        try {
            return Files.readAllLines(table, StandardCharsets.US_ASCII).stream()
                    .filter(l -> !l.startsWith("#") && !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> fields(String row) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= row.length(); i++) {
            if (i == row.length() || row.charAt(i) == ',') {
                out.add(row.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    private static String espRow(String src, String dst, int spi, String key) {
        return "\"IPv4\",\"" + src + "\",\"" + dst + "\",\"0x" + hex8(spi)
                + "\",\"AES-GCM with 16 octet ICV [RFC4106]\"," + "\"0x" + key + "\",\"NULL\",\"\"";
    }

    private static String hex8(int v) {
        return HexFormat.of().toHexDigits(v);
    }
}
