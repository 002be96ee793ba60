package io.ikeseal.agent.daemon;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.cli.CliContext;
import io.ikeseal.agent.cli.Main;
import io.ikeseal.agent.control.ControlProtocol;
import io.ikeseal.agent.control.ControlServer;
import io.ikeseal.agent.control.DaemonVerbs;
import io.ikeseal.testhsm.ChildJvm;
import io.ikeseal.testhsm.strongswan.Auth;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.Child;
import io.ikeseal.testhsm.strongswan.Connection;
import io.ikeseal.testhsm.strongswan.SaSpis;
import io.ikeseal.testhsm.strongswan.SwanctlConf;

/**
 * The control socket and its CLI verbs against two running ikeseal daemons with real tokens and real SAs (issue 13
 * item 1): sas, initiate, rekey, terminate, tokens and reload, as text and as JSON; the one-shot initiate when no
 * daemon answers; owner-only files, the peer's uid, stale and live sockets; malformed, oversized, silent and
 * surplus clients. One daemon pair for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final Scenario scenario = new Scenario();

    private Path dir;
    private Side gateway;
    private Side branch;
    private ControlServer gatewayControl;
    private ControlServer branchControl;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("ikeseal-control");
        gateway = scenario.start("gateway", ConnectionYaml.gateway());
        branch = scenario.start("branch", ConnectionYaml.branch(gateway));
        gatewayControl =
                ControlServer.start(dir.resolve("gateway.sock"), DaemonVerbs.of(gateway.daemon(), scenario.tokens()));
        branchControl =
                ControlServer.start(dir.resolve("branch.sock"), DaemonVerbs.of(branch.daemon(), scenario.tokens()));
    }

    @AfterAll
    void stop() throws IOException {
        gatewayControl.close();
        branchControl.close();
        branch.close();
        gateway.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** SPIs as the control protocol writes them. */
    private static final class SaJson {
        static String hex(long spi) {
            return java.util.HexFormat.of().toHexDigits(spi);
        }

        static String hex(int spi) {
            return java.util.HexFormat.of().toHexDigits(spi);
        }
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(
                new CliContext(new ByteArrayInputStream(new byte[0]), new PrintWriter(out), new PrintWriter(err), null),
                args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String gw() {
        return gatewayControl.path().toString();
    }

    private String br() {
        return branchControl.path().toString();
    }

    private JsonNode sas(String socket) throws IOException {
        Run r = cli("sas", "--socket", socket, "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode a = r.json();
        assertTrue(a.path("ok").asBoolean(), r.toString());
        return a.path("result").path("ike-sas");
    }

    private void awaitSas(String socket, int n) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (sas(socket).size() != n) {
            assertTrue(System.nanoTime() < end, "expected " + n + " IKE SAs on " + socket + ": " + sas(socket));
            Thread.sleep(20);
        }
    }

    /** initiate through the daemon, sas both ends, rekey a CHILD_SA and the IKE SA, terminate the CHILD_SA and all. */
    @Test
    void lifecycleThroughTheVerbs() throws Exception {
        Path branchConfig = branch.daemon().config().file();
        Run init =
                cli("initiate", "gateway", "--config", branchConfig.toString(), "--socket", br(), "--timeout", "10s");
        assertEquals(0, init.exit(), init.toString());
        assertTrue(init.out().contains("established, initiator"), init.toString());
        assertTrue(init.out().contains("gateway{net} installed"), init.toString());
        awaitSas(gw(), 1);

        JsonNode mine = sas(br()).get(0);
        JsonNode theirs = sas(gw()).get(0);
        assertEquals(mine.path("spi-i").asText(), theirs.path("spi-i").asText());
        assertEquals("established", theirs.path("state").asText());
        assertEquals("responder", theirs.path("role").asText());
        assertEquals("branch", theirs.path("connection").asText());
        assertEquals(TestDeployment.BRANCH, theirs.path("remote-id").asText());
        assertEquals("sealed", theirs.path("tier").asText());
        assertEquals("aes256gcm16-prfsha256-ecp256", theirs.path("suite").asText());
        assertTrue(theirs.path("age-seconds").asLong(-1) >= 0, theirs.toString());
        JsonNode child = mine.path("child-sas").get(0);
        assertEquals("installed", child.path("state").asText());
        assertEquals(
                child.path("spi-out").asText(),
                theirs.path("child-sas").get(0).path("spi-in").asText());
        assertTrue(child.has("expires-in-seconds"), child.toString());
        assertFalse(child.has("traffic"), "no data plane runs here: no counters");

        Run text = cli("sas", "--socket", gw());
        assertEquals(0, text.exit(), text.toString());
        String spiI = theirs.path("spi-i").asText();
        assertTrue(text.out().startsWith("branch[" + spiI + "_i "), text.toString());
        assertTrue(text.out().contains("tier sealed, established "), text.toString());
        assertTrue(text.out().contains("branch{net} installed, SPIs "), text.toString());

        // rekey the CHILD_SA by the peer's SPI for it (our outbound), then the IKE SA by the responder's SPI
        Run rc = cli("rekey", "--child", child.path("spi-out").asText(), "--socket", br());
        assertEquals(0, rc.exit(), rc.toString());
        assertTrue(
                rc.out().startsWith("rekeyed CHILD_SA " + child.path("spi-in").asText() + "_i -> "), rc.toString());
        Run ri = cli("rekey", "--ike", theirs.path("spi-r").asText(), "--socket", br(), "--json");
        assertEquals(0, ri.exit(), ri.toString());
        JsonNode rekeyed = ri.json().path("result").path("ike-sas").get(0);
        assertEquals(spiI, rekeyed.path("old-spi-i").asText());
        String newSpiI = rekeyed.path("ike-sa").path("spi-i").asText();
        assertNotEquals(spiI, newSpiI);
        awaitSas(gw(), 1);
        awaitSas(br(), 1);
        JsonNode now = sas(gw()).get(0);
        assertEquals(newSpiI, now.path("spi-i").asText());
        assertEquals(1, now.path("child-sas").size(), "the CHILD_SA moved to the new IKE SA");

        // terminate the CHILD_SA, then every IKE SA of the connection
        String childSpi = now.path("child-sas").get(0).path("spi-in").asText();
        Run tc = cli("terminate", "--child", childSpi, "--socket", gw());
        assertEquals(0, tc.exit(), tc.toString());
        long end = System.nanoTime() + WAIT.toNanos();
        while (!sas(br()).get(0).path("child-sas").isEmpty()) {
            assertTrue(System.nanoTime() < end, "CHILD_SA still there: " + sas(br()));
            Thread.sleep(20);
        }
        Run tj = cli("terminate", "gateway", "--socket", br(), "--json");
        assertEquals(0, tj.exit(), tj.toString());
        assertEquals(
                newSpiI,
                tj.json().path("result").path("ike-sas").get(0).path("spi-i").asText());
        awaitSas(br(), 0);
        awaitSas(gw(), 0);
        assertEquals("no IKE SAs\n", cli("sas", "--socket", gw()).out());

        Run none = cli("terminate", "gateway", "--socket", br());
        assertEquals(1, none.exit(), none.toString());
        assertEquals("ikeseal: no established IKE SA of connection 'gateway' [not-found]\n", none.err());
        Run bad = cli("rekey", "--ike", "xyz", "--socket", br());
        assertEquals(2, bad.exit(), bad.toString());
    }

    /** No daemon on the socket: initiate runs one-shot as before (its own daemon, SA deleted after). */
    @Test
    void initiateWithoutDaemonIsOneShot() throws Exception {
        int ike;
        int natT;
        try (DatagramSocket a = new DatagramSocket(0);
                DatagramSocket b = new DatagramSocket(0)) {
            ike = a.getLocalPort();
            natT = b.getLocalPort();
        }
        Path cfg = scenario.deployment()
                .writeConfig(
                        "one-shot",
                        dir.resolve("one-shot-audit.log").toString(),
                        ConnectionYaml.branch(gateway)
                                .ike("port: " + ike)
                                .ike("nat-t-port: " + natT)
                                .yaml());
        // in a JVM of its own: the one-shot opens and closes the tokens, and a logout in this JVM would log out the
        // tokens every daemon of the test run shares (PKCS#11 login state is per application)
        Process p = new ProcessBuilder(ChildJvm.command(
                        List.of(),
                        Main.class.getName(),
                        List.of("initiate", "gateway", "--config", cfg.toString(), "--timeout", "10s")))
                .redirectOutput(dir.resolve("one-shot.out").toFile())
                .redirectError(dir.resolve("one-shot.err").toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("one-shot initiate did not end within 60 s");
        }
        Run r = new Run(
                p.exitValue(),
                Files.readString(dir.resolve("one-shot.out")),
                Files.readString(dir.resolve("one-shot.err")));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("IKE_SA   gateway["), r.toString());
        assertTrue(r.out().contains("deleted  gateway["), r.toString());
        awaitSas(gw(), 0);
    }

    /** The verbs on an SA with strongSwan's charon (PSK both ways), checked against what charon lists. */
    @Test
    void verbsWithCharon() throws Exception {
        Path charonDir = Files.createDirectories(dir.resolve("charon"));
        try (Side gw = scenario.start(
                        "gateway-psk",
                        ConnectionYaml.gateway().pskAuth(TestDeployment.PSK).peerPsk(TestDeployment.PSK));
                ControlServer control =
                        ControlServer.start(dir.resolve("psk.sock"), DaemonVerbs.of(gw.daemon(), scenario.tokens()));
                Charon charon = Charon.start(charonDir, "peer")) {
            String sock = control.path().toString();
            Connection c = Connection.named("ikeseal")
                    .proposals("aes256gcm16-prfsha256-ecp256")
                    .local(Auth.psk(TestDeployment.BRANCH))
                    .remote(Auth.psk(TestDeployment.GATEWAY))
                    .rekeyTime("0")
                    .child(Child.named("net").espProposals("aes256gcm16").rekeyTime("0"));
            charon.load(SwanctlConf.of(c.remotePort(gw.port()))
                    .psk(scenario.deployment().psk(), TestDeployment.BRANCH, TestDeployment.GATEWAY));
            charon.initiate("net", WAIT).orThrow();
            awaitSas(sock, 1);
            SaSpis theirs = charon.spis().getFirst();
            JsonNode mine = sas(sock).get(0);
            assertEquals(SaJson.hex(theirs.spiI()), mine.path("spi-i").asText());
            assertEquals(SaJson.hex(theirs.spiR()), mine.path("spi-r").asText());
            assertEquals(TestDeployment.BRANCH, mine.path("remote-id").asText());
            SaSpis.Child net = theirs.installed("net").getFirst();
            assertEquals(
                    SaJson.hex(net.spiOut()),
                    mine.path("child-sas").get(0).path("spi-in").asText());
            Run text = cli("sas", "--socket", sock);
            assertTrue(text.out().contains("established, responder"), text.toString());

            Run rc = cli("rekey", "--child", SaJson.hex(net.spiIn()), "--socket", sock);
            assertEquals(0, rc.exit(), rc.toString());
            awaitCharon(
                    charon,
                    s -> !s.installed("net").isEmpty()
                            && s.installed("net").getFirst().spiIn() != net.spiIn());
            Run ri = cli("rekey", "--ike", SaJson.hex(theirs.spiI()), "--socket", sock, "--json");
            assertEquals(0, ri.exit(), ri.toString());
            String fresh = ri.json()
                    .path("result")
                    .path("ike-sas")
                    .get(0)
                    .path("ike-sa")
                    .path("spi-i")
                    .asText();
            awaitCharon(charon, s -> SaJson.hex(s.spiI()).equals(fresh) && s.established());
            Run t = cli("terminate", "branch", "--socket", sock);
            assertEquals(0, t.exit(), t.toString());
            assertTrue(t.out().startsWith("terminated IKE SA " + fresh + "_i: "), t.toString());
            long end = System.nanoTime() + WAIT.toNanos();
            while (!charon.spis().isEmpty()) {
                assertTrue(System.nanoTime() < end, "charon still lists " + charon.spis());
                Thread.sleep(50);
            }
        }
    }

    /** Until charon lists exactly one IKE SA that satisfies {@code condition}. */
    private static void awaitCharon(Charon charon, java.util.function.Predicate<SaSpis> condition)
            throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<SaSpis> now = charon.spis();
            if (now.size() == 1 && condition.test(now.getFirst())) {
                return;
            }
            assertTrue(System.nanoTime() < end, "charon lists " + now);
            Thread.sleep(50);
        }
    }

    @Test
    void tokensAsTextAndJson() throws Exception {
        Run j = cli("tokens", "--socket", gw(), "--json");
        assertEquals(0, j.exit(), j.toString());
        JsonNode tokens = j.json().path("result").path("tokens");
        List<String> names = new ArrayList<>();
        for (JsonNode t : tokens) {
            names.add(t.path("name").asText());
            assertEquals("ready", t.path("state").asText(), t.toString());
            assertEquals("ok", t.path("pin").asText(), t.toString());
            assertTrue(
                    t.path("live-objects").asLong(-1) >= 0 && t.path("queued").asLong(-1) >= 0, t.toString());
        }
        assertTrue(names.containsAll(List.of("hsm", "smartcard")), names.toString());
        assertEquals("ok", j.json().path("result").path("audit-log").asText());
        Run t = cli("tokens", "--socket", gw());
        assertEquals(0, t.exit(), t.toString());
        assertTrue(t.out().contains("hsm (key-exchange, tier sealed, slot "), t.toString());
        assertTrue(t.out().contains(": ready, "), t.toString());
        assertTrue(t.out().endsWith("audit log: ok\n"), t.toString());
    }

    /** reload: an unchanged file changes nothing; a broken one is refused with exit 2 and the daemon goes on. */
    @Test
    void reloadThroughTheSocket() throws Exception {
        Run ok = cli("reload", "--socket", gw(), "--json");
        assertEquals(0, ok.exit(), ok.toString());
        JsonNode report = ok.json().path("result");
        assertEquals("branch", report.path("unchanged").get(0).asText(), ok.toString());
        assertTrue(report.path("added").isEmpty() && report.path("removed").isEmpty(), ok.toString());
        Run text = cli("reload", "--socket", gw());
        assertTrue(text.out().contains("unchanged: branch\n"), text.toString());

        Path file = gateway.daemon().config().file();
        String good = Files.readString(file);
        try {
            Files.writeString(file, good + "\nnot-a-key: [\n");
            Run bad = cli("reload", "--socket", gw());
            assertEquals(2, bad.exit(), bad.toString());
            assertTrue(bad.err().endsWith("nothing changed [config]\n"), bad.toString());
        } finally {
            Files.writeString(file, good);
        }
        assertEquals(0, cli("sas", "--socket", gw()).exit());
    }

    @Test
    void noDaemonIsOneLineAndExit1() {
        Run r = cli("sas", "--socket", dir.resolve("nobody.sock").toString());
        assertEquals(1, r.exit(), r.toString());
        assertEquals("ikeseal: no daemon answers on " + dir.resolve("nobody.sock") + " (no such socket)\n", r.err());
    }

    /** Each broken request gets its precise error; the daemon answers the next one. */
    @Test
    void malformedRequestsAreAnsweredPrecisely() throws Exception {
        assertError("malformed", "not JSON", "{nope\n".getBytes(UTF_8));
        assertError("malformed", "one JSON object", "[1,2]\n".getBytes(UTF_8));
        assertError("malformed", "\"version\"", "{\"verb\":\"sas\"}\n".getBytes(UTF_8));
        assertError("unsupported-version", "version 2", "{\"version\":2,\"verb\":\"sas\"}\n".getBytes(UTF_8));
        assertError("unknown-verb", "no verb 'list-sas'", "{\"version\":1,\"verb\":\"list-sas\"}\n".getBytes(UTF_8));
        assertError("malformed", "\"args\"", "{\"version\":1,\"verb\":\"sas\",\"args\":3}\n".getBytes(UTF_8));
        assertError(
                "bad-argument", "exactly one", "{\"version\":1,\"verb\":\"terminate\",\"args\":{}}\n".getBytes(UTF_8));
        assertError("malformed", "empty request", new byte[0]);
        byte[] big = new byte[ControlProtocol.MAX_REQUEST_OCTETS + 100];
        java.util.Arrays.fill(big, (byte) ' ');
        assertError("too-large", "longer than", big);
        assertEquals(0, cli("sas", "--socket", gw()).exit());
    }

    private void assertError(String code, String part, byte[] request) throws Exception {
        JsonNode a = raw(gatewayControl.path(), request, true);
        assertFalse(a.path("ok").asBoolean(), a.toString());
        assertEquals(1, a.path("version").asInt());
        assertEquals(code, a.path("error").path("code").asText(), a.toString());
        assertTrue(a.path("error").path("message").asText().contains(part), a.toString());
    }

    /** Sends {@code request} (and ends the output when {@code shutdown}) and reads the one answer line. */
    private static JsonNode raw(Path socket, byte[] request, boolean shutdown) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer b = ByteBuffer.wrap(request);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (shutdown) {
                ch.shutdownOutput();
            }
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (ch.read(in) >= 0 && in.hasRemaining()) {
                // until the daemon closes
            }
            return JSON.readTree(new String(in.array(), 0, in.position(), UTF_8));
        }
    }

    /** A silent client is cut off after the read timeout with an answer; more clients than served at once: busy. */
    @Test
    void silentAndSurplusClients() throws Exception {
        Path p = dir.resolve("slow.sock");
        try (ControlServer s = ControlServer.start(p, Map.of(), null, Duration.ofMillis(300))) {
            JsonNode timeout = raw(s.path(), new byte[] {'{'}, false);
            assertEquals("timeout", timeout.path("error").path("code").asText(), timeout.toString());
            List<SocketChannel> silent = new ArrayList<>();
            try {
                for (int i = 0; i < ControlServer.MAX_CLIENTS; i++) {
                    silent.add(SocketChannel.open(UnixDomainSocketAddress.of(p)));
                }
                Thread.sleep(50); // the acceptor takes them in order; the next one finds every slot taken
                JsonNode busy = raw(p, new byte[0], false);
                assertEquals("busy", busy.path("error").path("code").asText(), busy.toString());
            } finally {
                for (SocketChannel c : silent) {
                    c.close();
                }
            }
        }
        assertFalse(Files.exists(p), "the socket file goes with the server");
    }

    /** Directory 0700 when made, socket 0600; a stale socket file is replaced, a live one refuses the start. */
    @Test
    void socketFiles() throws Exception {
        Path p = dir.resolve("made/ctl.sock");
        try (ControlServer s = ControlServer.start(p, Map.of())) {
            assertEquals(p, s.path());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p.getParent())));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            IOException live = assertThrows(IOException.class, () -> ControlServer.start(p, Map.of()));
            assertTrue(live.getMessage().contains("another ikeseal daemon answers on it"), live.getMessage());
        }
        Path stale = dir.resolve("stale.sock");
        ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        killed.bind(UnixDomainSocketAddress.of(stale));
        killed.close(); // as a killed daemon leaves it: the file stays, nobody listens
        assertTrue(Files.exists(stale));
        try (ControlServer s = ControlServer.start(stale, Map.of("sas", r -> ControlProtocol.object()))) {
            Run r = cli("sas", "--socket", s.path().toString());
            assertEquals(0, r.exit(), r.toString());
        }
        Path regular = Files.writeString(dir.resolve("regular.sock"), "x");
        IOException notSocket = assertThrows(IOException.class, () -> ControlServer.start(regular, Map.of()));
        assertTrue(notSocket.getMessage().contains("is not a socket"), notSocket.getMessage());
    }

    /** A peer the policy refuses gets permission-denied; a real other uid (nobody) is refused by SO_PEERCRED. */
    @Test
    void peersOtherThanOwnerAndRootAreRefused() throws Exception {
        Path p = dir.resolve("strict.sock");
        try (ControlServer s = ControlServer.start(
                p, Map.of(), peer -> Optional.of("not " + peer.user().getName()), Duration.ofSeconds(2))) {
            Run r = cli("sas", "--socket", s.path().toString());
            assertEquals(1, r.exit(), r.toString());
            assertEquals("ikeseal: not root [permission-denied]\n", r.err());
        }
        // the files' modes loosened by hand: the peer check still holds for another uid
        Path open = Files.createTempDirectory("ikeseal-control-open");
        try {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path q = open.resolve("ctl.sock");
            try (ControlServer s = ControlServer.start(q, Map.of("sas", r -> ControlProtocol.object()))) {
                Files.setPosixFilePermissions(q, PosixFilePermissions.fromString("rw-rw-rw-"));
                String answer = asNobody(s.path());
                assertTrue(answer.startsWith("{"), answer);
                JsonNode a = JSON.readTree(answer);
                assertEquals("permission-denied", a.path("error").path("code").asText(), answer);
                assertTrue(a.path("error").path("message").asText().startsWith("user nobody may not use"), answer);
            }
        } finally {
            try (Stream<Path> files = Files.walk(open)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Sends a sas request to {@code socket} as uid nobody (setpriv, python3) and returns the answer line. */
    private static String asNobody(Path socket) throws Exception {
        String script = """
                import socket, sys
                s = socket.socket(socket.AF_UNIX)
                s.connect(sys.argv[1])
                s.sendall(b'{"version":1,"verb":"sas"}\\n')
                sys.stdout.write(s.makefile().readline())
                """;
        for (String tool : List.of("/usr/bin/setpriv", "/usr/bin/python3")) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IllegalStateException(tool + " missing (Debian packages util-linux, python3)");
            }
        }
        Process pr = new ProcessBuilder(
                        "/usr/bin/setpriv",
                        "--reuid=nobody",
                        "--regid=nogroup",
                        "--clear-groups",
                        "/usr/bin/python3",
                        "-c",
                        script,
                        socket.toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(pr.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "python3 as nobody did not finish");
        return new String(pr.getInputStream().readAllBytes(), UTF_8);
    }
}
