package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.ikeseal.agent.config.IkesealConfig;

/**
 * setup-demo, then the token commands on the configuration it wrote, exactly as written (system libsofthsm2 with
 * SOFTHSM2_CONF, system softoken with the demo's database).
 *
 * <p>The only test class that loads the system SoftHSM and softoken libraries: a module is initialized once per
 * process with the first caller's environment and arguments, so every test here shares the one demo directory.
 */
class DemoCliTest {
    @TempDir
    static Path base;
    static Path demo;
    static Path config;

    @BeforeAll
    static void setupDemo() {
        demo = base.resolve("demo");
        Cli.Result r = Cli.run("setup-demo", demo.toString());
        assertEquals(0, r.exit(), r.toString());
        config = demo.resolve("ikeseal.yaml");
        assertTrue(r.out().contains("next: ikeseal token probe --config " + config), r.out());
    }

    @Test
    void demoDirectoryHoldsWhatItPromises() throws Exception {
        for (String f : List.of("ikeseal.yaml", "ca.pem", "gateway-ecdsa-p256.pem", "gateway-rsa-3072.pem",
                "branch-office.psk", "audit.log")) {
            assertTrue(Files.isRegularFile(demo.resolve(f)), f);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(demo.resolve("branch-office.psk"))));
        IkesealConfig c = IkesealConfig.load(config);
        for (var t : c.tokens()) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    ((io.ikeseal.hsm.token.PinSource.FromFile) t.pin()).file())), t.name() + " PIN file");
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
        assertEquals("CN=gateway.ikeseal.demo,O=ikeseal demo", ecdsa.get("subject").asText());
        assertEquals("RSA", smartcard.at("/identities/1/key-type").asText());

        JsonNode hsm = tokens.get(1);
        assertEquals("hsm", hsm.get("name").asText());
        assertEquals("sealed", hsm.get("tier").asText());
        assertEquals("Mozilla Foundation", hsm.get("manufacturer").asText());
        assertTrue(texts(hsm.get("mechanisms")).containsAll(List.of("CKM_HKDF_DERIVE", "CKM_HKDF_DATA",
                "CKM_ECDH1_DERIVE")), hsm.get("mechanisms").toString());
        assertTrue(texts(hsm.at("/transforms/dh-groups")).containsAll(List.of("ecp256", "ecp384", "ecp521",
                "modp2048")), hsm.toString());
        assertEquals(List.of("prfsha256", "prfsha384", "prfsha512"), texts(hsm.at("/transforms/prfs")));
        assertNull(hsm.get("error"));
        assertEquals(List.of("branch-office"), texts(hsm.get("psks")));
    }

    @Test
    void probeNamesTheMissingMechanismAndExits1() throws Exception {
        Path bad = demo.resolve("softhsm-as-kx.yaml");
        Files.writeString(bad, Files.readString(config).replace("roles: [identity]", "roles: [identity, key-exchange]"));
        Cli.Result r = Cli.run("token", "probe", "--config", bad.toString());
        assertEquals(1, r.exit(), r.toString());
        JsonNode smartcard = new ObjectMapper().readTree(r.out()).get(0);
        assertTrue(smartcard.get("error").asText().contains("missing CKM_HKDF_DERIVE"), smartcard.toString());
        assertTrue(texts(smartcard.get("missing")).contains("CKM_HKDF_DERIVE"), smartcard.toString());
        assertEquals("ikeseal-identity", smartcard.get("label").asText(), "described even though it failed");
        assertTrue(r.err().contains("ikeseal: token 'smartcard' cannot serve role key-exchange at tier sealed"), r.err());
    }

    @Test
    void probeReportsAMissingKeyOrPsk() throws Exception {
        Path bad = demo.resolve("missing-objects.yaml");
        Files.writeString(bad, Files.readString(config).replace("key: ike-rsa-3072", "key: ike-rsa-4096")
                + "  - name: never-imported\n    token: hsm\n");
        Cli.Result r = Cli.run("token", "probe", "--config", bad.toString());
        assertEquals(1, r.exit(), r.toString());
        JsonNode tokens = new ObjectMapper().readTree(r.out());
        assertTrue(tokens.at("/0/identities/1/error").asText().contains("has no private key 'ike-rsa-4096'"),
                tokens.get(0).toString());
        assertTrue(tokens.at("/1/error").asText().contains("pre-shared key 'never-imported' is not on the token"),
                tokens.get(1).toString());
        assertEquals(2, r.err().lines().filter(l -> l.startsWith("ikeseal: token '")).count(), r.err());
    }

    @Test
    void importPskThenListIt() throws Exception {
        Cli.Result before = Cli.run("token", "list-psks", "--config", config.toString());
        assertEquals(0, before.exit(), before.toString());
        assertEquals("hsm\tbranch-office\n", before.out(), "setup-demo imported the demo PSK");

        String secret = "correct horse battery staple, long enough";
        Cli.Result imp = Cli.runWithStdin((secret + "\n").getBytes(StandardCharsets.UTF_8),
                "token", "import-psk", "--config", config.toString(), "--token", "hsm", "--name", "site-b");
        assertEquals(0, imp.exit(), imp.toString());
        assertEquals("imported pre-shared key 'site-b' (" + secret.length() + " octets) into token 'hsm'\n", imp.out());
        assertTrue(imp.err().contains("add {name: site-b, token: hsm} under psks:"), imp.err());
        assertFalse(imp.out().contains(secret) || imp.err().contains(secret));

        Path hex = Files.writeString(base.resolve("site-c.hex"), "0x0011 2233\n");
        Cli.Result weak = Cli.run("token", "import-psk", "-c", config.toString(), "--token", "hsm", "--name",
                "site-c", "--from-file", hex.toString(), "--encoding", "hex");
        assertEquals(0, weak.exit(), weak.toString());
        assertTrue(weak.out().contains("(4 octets)"), weak.out());
        assertTrue(weak.err().contains("warning: 'site-c' is shorter than 32 octets"), weak.err());

        Cli.Result again = Cli.run("token", "import-psk", "-c", config.toString(), "--token", "hsm", "--name",
                "site-c", "--from-file", hex.toString(), "--encoding", "hex");
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
        Cli.Result r = Cli.run("token", "import-psk", "-c", config.toString(), "--token", "smartcard", "--name", "x",
                "--from-env", "PATH");
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
        Cli.Result r = Cli.run("bench", "token", "--config", config.toString(), "--seconds", "0.25", "--json",
                "--audit-log", benchLog.toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        List<String> measured = new ArrayList<>();
        for (JsonNode row : rows) {
            assertTrue(row.get("error").isNull(), row.toString());
            if (row.get("skipped").isNull()) {
                assertTrue(row.get("operations").asLong() > 0, row.toString());
                assertTrue(row.get("perSecond").asDouble() > 0, row.toString());
                measured.add(row.get("token").asText() + "/" + row.get("subject").asText() + "/"
                        + row.get("operation").asText() + "/" + row.get("threads").asInt());
            }
        }
        for (String g : List.of("ecp256", "ecp384", "ecp521", "modp2048")) {
            assertTrue(measured.contains("hsm/" + g + "/keygen+g^ir+SKEYSEED+IKE SA keys/1"), g + " in " + measured);
            assertTrue(measured.contains("hsm/" + g + "/keygen+g^ir+SKEYSEED+IKE SA keys/2"), "with the token's 2 threads");
        }
        assertTrue(measured.contains("smartcard/gateway-ecdsa/sign ECDSA_SHA256/1"), measured.toString());
        assertTrue(measured.contains("smartcard/gateway-rsa/sign RSA_PSS_SHA256/1"), measured.toString());
        assertFalse(measured.stream().anyMatch(m -> m.contains("gateway-ecdsa/sign RSA")), "only schemes the key fits");

        Cli.Result audit = Cli.run("audit", "verify", benchLog.toString());
        assertEquals(0, audit.exit(), "every benchmarked operation was audited: " + audit);
    }

    @Test
    void demoRunsTheTokenSideOfAnIkeSaOnTheseTokens() {
        Cli.Result r = Cli.run("demo", "--dir", demo.toString());
        assertEquals(0, r.exit(), r.toString());
        for (String line : List.of("SK_d      derived in 'hsm'", "AUTH      initiator, ECDSA_SHA256: signed in 'smartcard'",
                "AUTH      responder, PSK 'branch-office'", "CHILD_SA  KEYMAT", "rekey     SKEYSEED'",
                "hash chain intact", "result      OK")) {
            assertTrue(r.out().contains(line), line + " in\n" + r.out());
        }
        assertFalse(r.out().contains("DISAGREE") || r.out().contains("DOES NOT"), r.out());
        assertFalse(r.out().contains("setup-demo"), "tokens are reused, not created again");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
