package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.TestCa;

/**
 * Mistakes in the IKE sections of the configuration (listen, ike, trust, connections and their children), through
 * the commands that run the daemon: each is one line naming the file, the key and the problem, exit code 2, and no
 * token is touched. The configuration names real module files, so only the broken key can be wrong.
 */
class ConfigErrorsCliTest {
    @TempDir
    Path dir;

    @BeforeEach
    void files() throws IOException {
        for (String pin : new String[] {"smartcard.pin", "hsm.pin"}) {
            Files.writeString(
                    Files.createFile(
                            dir.resolve(pin),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                    "1234");
        }
        Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = /nonexistent\n");
        Files.createDirectories(dir.resolve("nssdb"));
        TestCa.shared().writePem(dir.resolve("ca.pem"));
    }

    /** A configuration that loads; each test breaks one thing in it. */
    private String valid() {
        return """
                audit:
                  log: audit.log
                tokens:
                  - name: smartcard
                    module: %s
                    token: ikeseal-identity
                    pin-file: smartcard.pin
                    environment: { SOFTHSM2_CONF: softhsm2.conf }
                    roles: [identity]
                  - name: hsm
                    module: %s
                    token: "NSS Certificate DB"
                    pin-file: hsm.pin
                    nss-db: nssdb
                    roles: [key-exchange]
                identities:
                  - {name: gateway, token: smartcard, key: ike-ecdsa-p256}
                psks:
                  - {name: branch-office, token: hsm}
                trust: [ca.pem]
                listen: [127.0.0.1]
                ike:
                  port: 15500
                  nat-t-port: 15501
                connections:
                  - name: branch
                    local-address: 127.0.0.1
                    remote-address: 127.0.0.1
                    remote-port: 15600
                    local-id: gateway.ikeseal.test
                    remote-id: branch.ikeseal.test
                    local-auth: pubkey
                    identity: gateway
                    proposals: [aes256gcm16-prfsha256-ecp256]
                    rekey-time: 4h
                    children:
                      - name: net
                        local-ts: [10.1.0.0/16]
                        remote-ts: [dynamic]
                        esp-proposals: [aes256gcm16]
                """.formatted(DebianTools.libSofthsm2(), DebianTools.libSoftokn3());
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("ikeseal.yaml"), yaml);
    }

    /** {@code run} and {@code initiate} both refuse the file with exactly this line and exit 2. */
    private void assertRefused(String yaml, String key, String problem) throws IOException {
        Path f = write(yaml).toAbsolutePath().normalize();
        String line = "ikeseal: " + f + ": " + key + ": " + problem + "\n";
        for (String[] args :
                new String[][] {{"run", "--config", f.toString()}, {"initiate", "branch", "--config", f.toString()}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exit(), r.toString());
            assertEquals(line, r.err(), args[0]);
            assertEquals("", r.out(), args[0]);
        }
        assertFalse(Files.exists(dir.resolve("audit.log")), "refused before the audit log (and any token) was opened");
    }

    @Test
    void theBaseConfigurationIsValid() throws IOException {
        // Up to the tokens: initiate of an unknown connection is refused on the loaded configuration.
        Path f = write(valid()).toAbsolutePath().normalize();
        Cli.Result r = Cli.run("initiate", "nope", "--config", f.toString());
        assertEquals(2, r.exit(), r.toString());
        assertEquals("ikeseal: no connection 'nope' in " + f + " (connections: branch)\n", r.err());
    }

    @Test
    void unknownKeyInAChild() throws IOException {
        Path f = write(valid().replace("esp-proposals:", "esp-proposal:"))
                .toAbsolutePath()
                .normalize();
        Cli.Result r = Cli.run("run", "--config", f.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(
                r.err()
                        .startsWith("ikeseal: " + f + ": connections[0].children[0].esp-proposal: unknown key "
                                + "(expected one of: "),
                r.err());
        assertTrue(r.err().contains("esp-proposals"), r.err());
        assertEquals(1, r.err().lines().count());
    }

    @Test
    void badDuration() throws IOException {
        assertRefused(
                valid().replace("rekey-time: 4h", "rekey-time: 4hours"),
                "connections[0].rekey-time",
                "'4hours' is not a duration (write e.g. 500ms, 30s, 4h, 1h30m)");
    }

    @Test
    void badAddress() throws IOException {
        assertRefused(
                valid().replace("remote-address: 127.0.0.1", "remote-address: gateway.example.com"),
                "connections[0].remote-address",
                "'gateway.example.com' is not an IP address literal (host names are not resolved)");
        assertRefused(
                valid().replace("listen: [127.0.0.1]", "listen: [127.0.0.256]"),
                "listen[0]",
                "'127.0.0.256' is not an IP address literal (host names are not resolved)");
    }

    @Test
    void pskWithoutRemoteId() throws IOException {
        assertRefused(
                valid().replace("    remote-id: branch.ikeseal.test\n", "")
                        .replace(
                                "local-auth: pubkey",
                                "local-auth: pubkey\n    remote-auth: psk\n    psk: branch-office"),
                "connections[0].remote-id",
                "required with remote-auth: psk");
    }

    @Test
    void unknownIdentity() throws IOException {
        assertRefused(
                valid().replace("identity: gateway\n", "identity: gateway-ecdsa\n"),
                "connections[0].identity",
                "unknown identity 'gateway-ecdsa' (identities: gateway)");
    }

    @Test
    void compatTokenWithoutRequireTierCompat() throws IOException {
        String compat = valid().replace("roles: [identity]", "roles: [identity, key-exchange]\n    tier: compat");
        assertRefused(
                compat,
                "tokens[0].tier",
                "compat, but IKE SAs must be sealed; set ike.require-tier: compat to "
                        + "accept a host-side key schedule");
    }

    @Test
    void badProposal() throws IOException {
        assertRefused(
                valid().replace("aes256gcm16-prfsha256-ecp256", "aes256gcm16-prfsha256-ecp999"),
                "connections[0].proposals[0]",
                "unknown algorithm 'ecp999' in proposal 'aes256gcm16-prfsha256-ecp999' "
                        + "(known: aes128, aes128gcm16, aes192, aes192gcm16, aes256, aes256gcm16, aesnnngcm8/gcm12, "
                        + "chacha20poly1305, sha256/384/512, prfsha256, prfsha384, prfsha512, modp2048, modp3072, modp4096, "
                        + "ecp256, ecp384, ecp521)");
    }

    @Test
    void badSelector() throws IOException {
        assertRefused(
                valid().replace("local-ts: [10.1.0.0/16]", "local-ts: [10.1.0.1/16]"),
                "connections[0].children[0].local-ts[0]",
                "'10.1.0.1/16': address has bits set after the /16 prefix; the network is 10.1.0.0/16");
    }

    @Test
    void portWithoutAValueIsNotPort500() throws IOException {
        assertRefused(
                valid().replace("  port: 15500", "  port: ~"),
                "ike.port",
                "no value (~, null or nothing after the colon); write a value, or leave the key out to use its"
                        + " default");
    }

    @Test
    void pinFileReadableByTheGroup() throws IOException {
        Path pin = dir.resolve("hsm.pin");
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rw-r-----"));
        assertRefused(
                valid(),
                "tokens[1].pin-file",
                "PIN file " + pin.toAbsolutePath().normalize()
                        + " has mode rw-r-----, must be rw------- or r-------- (0600 or 0400); chmod 600 it");
    }

    @Test
    void trustFileThatIsNotACertificate() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        assertRefused(
                valid(),
                "trust[0]",
                "not a certificate file: " + ca.toAbsolutePath().normalize()
                        + " (expected PEM or DER X.509 CA certificates)");
    }

    /** Without --debug: the line and column of each kind of YAML syntax error, on one line. */
    @Test
    void yamlSyntaxErrorsNameLineAndColumn() throws IOException {
        String[][] cases = {
            {valid().replace("    token: ikeseal-identity\n", "   token: ikeseal-identity\n"), "line 6, column 4: "},
            {valid().replace("listen: [127.0.0.1]", "listen: [127.0.0.1"), "line "},
            {valid().replace("token: \"NSS Certificate DB\"", "token: \"NSS Certificate DB"), "line "},
            {valid().replace("  - name: hsm", "\t- name: hsm"), "line "},
            {valid().replace("trust: [ca.pem]", "trust: [ca.pem]]"), "line "},
        };
        for (String[] c : cases) {
            Path f = write(c[0]).toAbsolutePath().normalize();
            Cli.Result r = Cli.run("run", "--config", f.toString());
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().startsWith("ikeseal: " + f + ": " + c[1]), r.err());
            assertTrue(r.err().matches("(?s)[^\n]*: line \\d+, column \\d+: YAML syntax error: [^\n]*\n"), r.err());
        }
    }
}
