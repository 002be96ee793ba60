package io.ikeseal.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.cli.CliContext;
import io.ikeseal.agent.cli.Main;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.testhsm.ChildJvm;

/**
 * setup-demo, then every command on the configurations it wrote, exactly as written (system libsofthsm2 with
 * SOFTHSM2_CONF, system softoken with the demo's database) except for their UDP ports: the demo's fixed ports are
 * swapped for free ones, so that two test runs on one machine do not meet. The demo itself establishes a real IKE
 * SA; {@code run} is a separate JVM that gets a real SIGTERM; {@code initiate} runs here against it.
 *
 * <p>The only test class that loads the system SoftHSM and softoken libraries: a module is initialized once per
 * process with the first caller's environment and arguments, so every test here shares the one demo directory.
 */
class DemoCliTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path base;

    static Path demo;
    static Path config;
    static Path branch;
    static int gatewayPort;

    @BeforeAll
    static void setupDemo() throws Exception {
        demo = base.resolve("demo");
        Cli.Result r = Cli.run("setup-demo", demo.toString());
        assertEquals(0, r.exit(), r.toString());
        config = demo.resolve("ikeseal.yaml");
        branch = demo.resolve("branch.yaml");
        assertTrue(r.out().contains("next: ikeseal demo --dir " + demo), r.out());
        for (String f : List.of("ikeseal.yaml", "branch.yaml")) {
            IkesealConfig.load(demo.resolve(f));
        }

        // A demo from before the branch office had no branch.yaml: demo creates it again, over the old one.
        Files.delete(branch);
        StringWriter out = new StringWriter();
        int rc = new DemoCommand(new CliContext(
                        InputStream.nullInputStream(), new PrintWriter(out), new PrintWriter(new StringWriter()), null))
                .ensureDemo(demo);
        assertEquals(0, rc, out.toString());
        assertTrue(
                out.toString()
                        .startsWith("ikeseal demo: " + demo + " holds an older demo (no branch.yaml); "
                                + "creating it again\ndemo created in " + demo),
                out.toString());
        assertTrue(Files.isRegularFile(branch));

        int[] ports = freeUdpPorts(4);
        gatewayPort = ports[0];
        rewrite(config, Map.of("port: 15500", "port: " + ports[0], "nat-t-port: 15501", "nat-t-port: " + ports[1]));
        rewrite(
                branch,
                Map.of(
                        "  port: 15600",
                        "  port: " + ports[2],
                        "nat-t-port: 15601",
                        "nat-t-port: " + ports[3],
                        "remote-port: 15500",
                        "remote-port: " + ports[0]));
    }

    /** Replaces each key, which must occur exactly once, by its value. */
    private static void rewrite(Path file, Map<String, String> replacements) throws Exception {
        String text = Files.readString(file);
        for (Map.Entry<String, String> e : replacements.entrySet()) {
            assertEquals(
                    1,
                    text.split(java.util.regex.Pattern.quote(e.getKey()), -1).length - 1,
                    e.getKey() + " in " + file);
            text = text.replace(e.getKey(), e.getValue());
        }
        Files.writeString(file, text);
    }

    /** Ports free right now on 127.0.0.1, all different (held open together while they are chosen). */
    private static int[] freeUdpPorts(int n) throws Exception {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                DatagramSocket s =
                        new DatagramSocket(new InetSocketAddress(java.net.InetAddress.ofLiteral("127.0.0.1"), 0));
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }

    @Test
    void demoDirectoryHoldsWhatItPromises() throws Exception {
        for (String f : List.of(
                "ikeseal.yaml",
                "branch.yaml",
                "ca.pem",
                "gateway-ecdsa-p256.pem",
                "gateway-rsa-3072.pem",
                "branch-ecdsa-p256.pem",
                "branch-office.psk",
                "audit.log")) {
            assertTrue(Files.isRegularFile(demo.resolve(f)), f);
        }
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(demo.resolve("branch-office.psk"))));
        IkesealConfig c = IkesealConfig.load(config);
        IkesealConfig b = IkesealConfig.load(branch);
        assertEquals(c.tokens(), b.tokens(), "one TokenSet serves both daemons of the demo");
        assertEquals(
                List.of("branch"),
                c.connections().stream().map(ConnectionConfig::name).toList());
        assertNull(c.connection("branch").orElseThrow().remote(), "the gateway responds to any address");
        assertTrue(b.connection("gateway").orElseThrow().initiate());
        assertNotEquals(c.audit().log(), b.audit().log(), "two processes never share an audit log");
        for (var t : c.tokens()) {
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(((io.ikeseal.hsm.token.PinSource.FromFile) t.pin()).file())),
                    t.name() + " PIN file");
        }
        String yaml = Files.readString(config);
        assertFalse(yaml.contains(demo.toString()), "only relative paths to the demo's files:\n" + yaml);
        assertTrue(yaml.contains("module: /usr/lib/softhsm/libsofthsm2.so"), yaml);
    }

    @Test
    void probeAcceptsTheDemoConfigAsWritten() throws Exception {
        Cli.Result r = Cli.run("token", "probe", "--config", config.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode tokens = new ObjectMapper().readTree(r.out());
        assertEquals(2, tokens.size());

        JsonNode smartcard = tokens.get(0);
        assertEquals("smartcard", smartcard.get("name").asText());
        assertEquals("ikeseal-identity", smartcard.get("label").asText());
        assertEquals("SoftHSM project", smartcard.get("manufacturer").asText());
        assertEquals(List.of("identity"), texts(smartcard.get("roles")));
        List<String> sigs = texts(smartcard.at("/transforms/signature-methods"));
        assertTrue(sigs.containsAll(List.of("ecdsa-p256", "rfc7427-ecdsa", "rfc7427-rsa-pss")), sigs.toString());
        assertTrue(smartcard.at("/transforms/dh-groups").isMissingNode(), "not a key-exchange token");
        assertNull(smartcard.get("tier"), "a residency tier belongs to the key-exchange role only");
        assertNull(smartcard.get("error"));
        JsonNode ecdsa = smartcard.at("/identities/0");
        assertEquals("gateway-ecdsa", ecdsa.get("name").asText());
        assertEquals("EC_P256", ecdsa.get("key-type").asText());
        assertEquals(
                "CN=gateway.ikeseal.demo,O=ikeseal demo", ecdsa.get("subject").asText());
        assertEquals("RSA", smartcard.at("/identities/1/key-type").asText());

        JsonNode hsm = tokens.get(1);
        assertEquals("hsm", hsm.get("name").asText());
        assertEquals("sealed", hsm.get("tier").asText());
        assertEquals("Mozilla Foundation", hsm.get("manufacturer").asText());
        assertTrue(
                texts(hsm.get("mechanisms"))
                        .containsAll(List.of("CKM_HKDF_DERIVE", "CKM_HKDF_DATA", "CKM_ECDH1_DERIVE")),
                hsm.get("mechanisms").toString());
        assertTrue(
                texts(hsm.at("/transforms/dh-groups")).containsAll(List.of("ecp256", "ecp384", "ecp521", "modp2048")),
                hsm.toString());
        assertEquals(List.of("prfsha256", "prfsha384", "prfsha512"), texts(hsm.at("/transforms/prfs")));
        assertNull(hsm.get("error"));
        assertEquals(List.of("branch-office"), texts(hsm.get("psks")));
    }

    @Test
    void probeNamesTheMissingMechanismAndExits1() throws Exception {
        Path bad = demo.resolve("softhsm-as-kx.yaml");
        Files.writeString(
                bad, Files.readString(config).replace("roles: [identity]", "roles: [identity, key-exchange]"));
        Cli.Result r = Cli.run("token", "probe", "--config", bad.toString());
        assertEquals(1, r.exit(), r.toString());
        JsonNode smartcard = new ObjectMapper().readTree(r.out()).get(0);
        assertTrue(smartcard.get("error").asText().contains("missing CKM_HKDF_DERIVE"), smartcard.toString());
        assertTrue(texts(smartcard.get("missing")).contains("CKM_HKDF_DERIVE"), smartcard.toString());
        assertEquals("ikeseal-identity", smartcard.get("label").asText(), "described even though it failed");
        assertTrue(
                r.err().contains("ikeseal: token 'smartcard' cannot serve role key-exchange at tier sealed"), r.err());
    }

    @Test
    void probeReportsAMissingKeyOrPsk() throws Exception {
        Path bad = demo.resolve("missing-objects.yaml");
        Files.writeString(
                bad,
                Files.readString(config)
                        .replace("key: ike-rsa-3072", "key: ike-rsa-4096")
                        .replace(
                                "psks:\n  - name: branch-office\n    token: hsm\n",
                                "psks:\n  - name: branch-office\n    token: hsm\n  - name: never-imported\n    token: hsm\n"));
        Cli.Result r = Cli.run("token", "probe", "--config", bad.toString());
        assertEquals(1, r.exit(), r.toString());
        JsonNode tokens = new ObjectMapper().readTree(r.out());
        assertTrue(
                tokens.at("/0/identities/1/error").asText().contains("has no private key 'ike-rsa-4096'"),
                tokens.get(0).toString());
        assertTrue(
                tokens.at("/1/error").asText().contains("pre-shared key 'never-imported' is not on the token"),
                tokens.get(1).toString());
        assertEquals(
                2, r.err().lines().filter(l -> l.startsWith("ikeseal: token '")).count(), r.err());
    }

    @Test
    void importPskThenListIt() throws Exception {
        Cli.Result before = Cli.run("token", "list-psks", "--config", config.toString());
        assertEquals(0, before.exit(), before.toString());
        assertEquals("hsm\tbranch-office\n", before.out(), "setup-demo imported the demo PSK");

        String secret = "correct horse battery staple, long enough";
        Cli.Result imp = Cli.runWithStdin(
                (secret + "\n").getBytes(StandardCharsets.UTF_8),
                "token",
                "import-psk",
                "--config",
                config.toString(),
                "--token",
                "hsm",
                "--name",
                "site-b");
        assertEquals(0, imp.exit(), imp.toString());
        assertEquals("imported pre-shared key 'site-b' (" + secret.length() + " octets) into token 'hsm'\n", imp.out());
        assertTrue(imp.err().contains("add {name: site-b, token: hsm} under psks:"), imp.err());
        assertFalse(imp.out().contains(secret) || imp.err().contains(secret));

        Path hex = Files.writeString(base.resolve("site-c.hex"), "0x0011 2233\n");
        Cli.Result weak = Cli.run(
                "token",
                "import-psk",
                "-c",
                config.toString(),
                "--token",
                "hsm",
                "--name",
                "site-c",
                "--from-file",
                hex.toString(),
                "--encoding",
                "hex");
        assertEquals(0, weak.exit(), weak.toString());
        assertTrue(weak.out().contains("(4 octets)"), weak.out());
        assertTrue(weak.err().contains("warning: 'site-c' is shorter than 32 octets"), weak.err());

        Cli.Result again = Cli.run(
                "token",
                "import-psk",
                "-c",
                config.toString(),
                "--token",
                "hsm",
                "--name",
                "site-c",
                "--from-file",
                hex.toString(),
                "--encoding",
                "hex");
        assertEquals(1, again.exit(), "an existing PSK is replaced only with --replace");
        assertTrue(again.err().contains("already exists"), again.err());

        Cli.Result after = Cli.run("token", "list-psks", "--config", config.toString());
        assertEquals(0, after.exit(), after.toString());
        assertEquals("hsm\tbranch-office\nhsm\tsite-b\nhsm\tsite-c\n", after.out());

        Cli.Result audit = Cli.run("audit", "verify", demo.resolve("audit.log").toString());
        assertEquals(0, audit.exit(), audit.toString());
        String log = Files.readString(demo.resolve("audit.log"));
        assertTrue(log.contains("\"op\":\"psk-import\""), "imports are audited");
        assertFalse(log.contains("correct horse"));
    }

    @Test
    void importPskRefusesAnIdentityToken() {
        Cli.Result r = Cli.run(
                "token",
                "import-psk",
                "-c",
                config.toString(),
                "--token",
                "smartcard",
                "--name",
                "x",
                "--from-env",
                "PATH");
        assertEquals(2, r.exit(), r.toString());
        assertEquals("ikeseal: token 'smartcard' does not have role key-exchange\n", r.err());
    }

    @Test
    void tamperedDemoAuditLogIsBroken() throws Exception {
        Path copy = Files.createDirectories(base.resolve("tampered")).resolve("audit.log");
        List<String> lines = new ArrayList<>(Files.readAllLines(demo.resolve("audit.log")));
        lines.remove(1);
        Files.write(copy, lines);
        Cli.Result r = Cli.run("audit", "verify", copy.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("ikeseal: audit log BROKEN at line 2: "), r.err());
    }

    @Test
    void benchMeasuresKeyExchangesAndSignatures() throws Exception {
        Path benchLog = base.resolve("bench-audit.log");
        Cli.Result r = Cli.run(
                "bench",
                "token",
                "--config",
                config.toString(),
                "--seconds",
                "0.25",
                "--json",
                "--audit-log",
                benchLog.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        List<String> measured = new ArrayList<>();
        for (JsonNode row : rows) {
            assertTrue(row.get("error").isNull(), row.toString());
            if (row.get("skipped").isNull()) {
                assertTrue(row.get("operations").asLong() > 0, row.toString());
                assertTrue(row.get("perSecond").asDouble() > 0, row.toString());
                measured.add(
                        row.get("token").asText() + "/" + row.get("subject").asText() + "/"
                                + row.get("operation").asText() + "/"
                                + row.get("threads").asInt());
            }
        }
        for (String g : List.of("ecp256", "ecp384", "ecp521", "modp2048")) {
            assertTrue(measured.contains("hsm/" + g + "/keygen+g^ir+SKEYSEED+IKE SA keys/1"), g + " in " + measured);
            assertTrue(
                    measured.contains("hsm/" + g + "/keygen+g^ir+SKEYSEED+IKE SA keys/2"),
                    "with the token's 2 threads");
        }
        assertTrue(measured.contains("smartcard/gateway-ecdsa/sign ECDSA_SHA256/1"), measured.toString());
        assertTrue(measured.contains("smartcard/gateway-rsa/sign RSA_PSS_SHA256/1"), measured.toString());
        assertFalse(measured.stream().anyMatch(m -> m.contains("gateway-ecdsa/sign RSA")), "only schemes the key fits");

        Cli.Result audit = Cli.run("audit", "verify", benchLog.toString());
        assertEquals(0, audit.exit(), "every benchmarked operation was audited: " + audit);
    }

    @Test
    void demoEstablishesAnIkeSaAndAChildSaThenDeletesThem() throws Exception {
        Cli.Result r = Cli.run("demo", "--dir", demo.toString());
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertFalse(out.contains("demo created"), "tokens are reused, not created again");
        Matcher i = Pattern.compile(
                        "IKE SA      gateway\\[(\\p{XDigit}{16})_i (\\p{XDigit}{16})_r] initiator 127\\.0\\.0\\.1:"
                                + "\\d+ branch\\.ikeseal\\.demo <-> 127\\.0\\.0\\.1:" + gatewayPort
                                + " gateway\\.ikeseal\\.demo aes256gcm16-prfsha256-ecp256\n")
                .matcher(out);
        assertTrue(i.find(), "the initiator's view in\n" + out);
        assertTrue(
                out.contains("IKE SA      branch[" + i.group(1) + "_i " + i.group(2) + "_r] responder 127.0.0.1:"
                        + gatewayPort + " gateway.ikeseal.demo <-> "),
                "the responder's view of the same SA in\n" + out);
        assertEquals(2, count(out, "  suite     aes256gcm16-prfsha256-ecp256, residency tier sealed\n"), out);
        assertTrue(out.contains("we: EC_P256 key 'branch-ecdsa-p256' on token smartcard"), out);
        assertTrue(out.contains("we: EC_P256 key 'ike-ecdsa-p256' on token smartcard"), out);
        assertTrue(
                out.contains("peer: ECDSA_SHA256 signature by certificate \"O=ikeseal demo, CN=branch.ikeseal.demo\""),
                out);

        Matcher mine = Pattern.compile(
                        "CHILD_SA  gateway\\{net} SPIs (\\p{XDigit}{8})_i (\\p{XDigit}{8})_o aes256gcm16 " + "tunnel ")
                .matcher(out);
        assertTrue(mine.find(), out);
        assertTrue(
                out.contains("CHILD_SA  branch{net} SPIs " + mine.group(2) + "_i " + mine.group(1) + "_o aes256gcm16 "
                        + "tunnel "),
                "both ends of one CHILD_SA:\n" + out);

        List<String> tokens =
                out.lines().filter(l -> l.startsWith("  tokens    ")).toList();
        assertEquals(2, tokens.size(), out);
        for (String t : tokens) {
            assertTrue(t.contains("hsm: 1 dh-keygen, 1 dh-derive, 1 skeyseed, "), "the key exchange in the HSM: " + t);
            assertTrue(t.contains(", 1 child-keymat"), "the CHILD_SA's KEYMAT from the sealed SK_d: " + t);
            assertTrue(t.contains("smartcard: 1 sign"), "AUTH signed by the smartcard: " + t);
            assertTrue(t.contains("host: 1 peer-auth"), "the peer's AUTH checked on the host: " + t);
            assertTrue(t.matches(".* \\(\\d+ records, \\d+\\.\\d ms in tokens\\)"), t);
        }
        assertTrue(
                out.contains("deleted     initiator: deleted (daemon stopping); responder: deleted (deleted by the "
                        + "peer)\n"),
                out);
        assertTrue(
                Pattern.compile("audit       "
                                + Pattern.quote(demo.resolve("audit.log").toString())
                                + ": \\d+ records, chain intact, head file consistent\n")
                        .matcher(out)
                        .find(),
                out);
        assertTrue(out.contains("result      OK: IKE SA and CHILD_SA established and deleted"), out);
        assertFalse(out.contains("FAILED") || out.contains("NOT DELETED"), out);
        assertFalse(
                out.contains(Files.readString(demo.resolve("branch-office.psk"))
                        .strip()
                        .substring(2)),
                "no secret in the output");
    }

    /**
     * {@code ikeseal run} on the gateway's configuration in its own JVM, {@code ikeseal initiate} on the branch
     * office's here, then {@code ikeseal run} on the branch office's in a second JVM: an SA event line per
     * established and deleted SA, the peer's error for a proposal it cannot accept, a connection initiated at start,
     * and clean stops on SIGTERM (exit code 0) that delete the SAs first.
     */
    @Test
    void runLogsSaEventsAndStopsCleanlyOnSigterm() throws Exception {
        RunProcess gateway = RunProcess.start(config, "gateway");
        List<String> gatewayLines;
        try {
            gateway.await(
                    " running: ikeseal.yaml, connections [branch], listening on 127.0.0.1:" + gatewayPort + " (IKE), ");

            Cli.Result r = Cli.run("initiate", "gateway", "--config", branch.toString(), "--timeout", "20s");
            assertEquals(0, r.exit(), r.toString());
            List<String> out = r.out().lines().toList();
            assertEquals(4, out.size(), r.out());
            assertTrue(
                    out.get(0)
                            .matches(
                                    "IKE_SA   gateway\\[\\p{XDigit}{16}_i \\p{XDigit}{16}_r] initiator 127\\.0\\.0\\.1:"
                                            + "\\d+ branch\\.ikeseal\\.demo <-> 127\\.0\\.0\\.1:" + gatewayPort
                                            + " gateway\\.ikeseal\\.demo aes256gcm16-prfsha256-ecp256"),
                    out.get(0));
            assertTrue(
                    out.get(1)
                            .matches("         tier sealed; we: EC_P256 key 'branch-ecdsa-p256' on token smartcard, "
                                    + ".*; peer: ECDSA_SHA256 signature by certificate .*; token time \\d+\\.\\d ms"),
                    out.get(1));
            assertTrue(out.get(2).startsWith("CHILD_SA gateway{net} SPIs "), out.get(2));
            assertTrue(out.get(3).matches("deleted  gateway\\[.*: daemon stopping"), out.get(3));

            String spis =
                    out.get(0).substring("IKE_SA   gateway".length(), out.get(0).indexOf(']') + 1);
            gateway.await(" CHILD_SA established: branch{net} SPIs ");
            gateway.await(" IKE_SA established: branch" + spis + " responder 127.0.0.1:" + gatewayPort
                    + " gateway.ikeseal.demo <-> ");
            gateway.await(" IKE_SA deleted: branch" + spis + " responder ");

            // The peer's error notification is the reason, exit 1.
            Path noProposal = demo.resolve("branch-aes128.yaml");
            Files.writeString(
                    noProposal,
                    Files.readString(branch)
                            .replace(
                                    "proposals: [aes256gcm16-prfsha256-ecp256]",
                                    "proposals: [aes128gcm16-prfsha256-ecp384]"));
            Cli.Result refused = Cli.run("initiate", "gateway", "--config", noProposal.toString(), "--timeout", "20s");
            assertEquals(1, refused.exit(), refused.toString());
            assertEquals("ikeseal: gateway: no IKE SA: NO_PROPOSAL_CHOSEN from the responder\n", refused.err());
            assertEquals("", refused.out());

            // An IKE SA without the configured CHILD_SA is not the connection either: exit 1, the reason printed.
            Path wrongTs = demo.resolve("branch-ts.yaml");
            Files.writeString(
                    wrongTs, Files.readString(branch).replace("remote-ts: [dynamic]", "remote-ts: [10.9.0.0/16]"));
            Cli.Result noChild = Cli.run("initiate", "gateway", "--config", wrongTs.toString(), "--timeout", "20s");
            assertEquals(1, noChild.exit(), noChild.toString());
            assertTrue(
                    noChild.out().contains("\nCHILD_SA failed net: TS_UNACCEPTABLE from the responder"), noChild.out());
            assertEquals("ikeseal: gateway: IKE SA established, but no CHILD_SA\n", noChild.err());

            // The branch office's connection has initiate: true; stopping its daemon deletes the SA.
            RunProcess office = RunProcess.start(branch, "branch");
            List<String> officeLines;
            try {
                office.await(" IKE_SA established: gateway[");
            } finally {
                officeLines = office.stop();
            }
            assertEquals(
                    List.of("running", "initiating", "CHILD_SA", "IKE_SA", "stopping", "CHILD_SA", "IKE_SA", "stopped"),
                    officeLines.stream()
                            .map(l -> l.split(" ", -1)[1].replace(":", ""))
                            .toList(),
                    office.all());
            assertTrue(officeLines.get(4).endsWith(" stopping: deleting 1 IKE SA(s)"), office.all());
            // Every CHILD_SA announced gets its removal line, before its IKE SA's.
            assertTrue(
                    officeLines
                            .get(5)
                            .matches(".* CHILD_SA deleted: gateway\\{net\\} .*: IKE SA closed: daemon stopping"),
                    office.all());
            assertTrue(officeLines.get(6).matches(".* IKE_SA deleted: gateway\\[.*: daemon stopping"), office.all());
            assertEquals(
                    3,
                    Files.readAllLines(gateway.stdout()).stream()
                            .filter(l ->
                                    l.matches(".* IKE_SA deleted: " + "branch\\[.* responder .*: deleted by the peer"))
                            .count(),
                    gateway.all());
        } finally {
            gatewayLines = gateway.stop();
        }
        assertTrue(
                gatewayLines.get(gatewayLines.size() - 2).endsWith(" stopping: deleting 0 IKE SA(s)"), gateway.all());
        assertTrue(gatewayLines.getLast().endsWith(" stopped"), gateway.all());
        for (String line : gatewayLines) {
            assertTrue(
                    line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z \\S.*"),
                    "one stamped line per event: " + line);
        }
        for (String log : List.of("audit.log", "branch-audit.log")) {
            Cli.Result audit = Cli.run("audit", "verify", demo.resolve(log).toString());
            assertEquals(0, audit.exit(), "the stopped daemons left intact audit logs: " + audit);
        }
    }

    /**
     * {@code ikeseal run} in a JVM of its own, with this JVM's flags and class path. Its stdout goes to a file, not
     * a pipe: the JDK drains a pipe when the process exits, racing a reader for the last lines.
     */
    private record RunProcess(Process process, Path stdout, Path stderr) {
        static RunProcess start(Path config, String name) throws java.io.IOException {
            List<String> command =
                    ChildJvm.command(List.of(), Main.class.getName(), List.of("run", "--config", config.toString()));
            Path out = base.resolve(name + ".stdout");
            Path err = base.resolve(name + ".stderr");
            return new RunProcess(
                    new ProcessBuilder(command)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile())
                            .start(),
                    out,
                    err);
        }

        /** Waits (bounded) for a line on stdout containing {@code part}. */
        void await(String part) throws Exception {
            long deadline = System.nanoTime() + WAIT.toNanos();
            do {
                if (Files.readAllLines(stdout).stream().anyMatch(l -> l.contains(part))) {
                    return;
                }
                assertTrue(
                        process.isAlive(),
                        "run exited " + (process.isAlive() ? "" : process.exitValue()) + ":\n" + all());
                Thread.sleep(50);
            } while (System.nanoTime() < deadline);
            fail("no line with '" + part + "' within " + WAIT + " in\n" + all());
        }

        /** SIGTERM; the process must exit 0 in time. Returns its stdout lines. */
        List<String> stop() throws Exception {
            process.destroy();
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "run stops on SIGTERM:\n" + all());
            assertEquals(0, process.exitValue(), all());
            return Files.readAllLines(stdout);
        }

        String all() throws java.io.IOException {
            return Files.readString(stdout) + "--- stderr\n" + Files.readString(stderr);
        }
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
