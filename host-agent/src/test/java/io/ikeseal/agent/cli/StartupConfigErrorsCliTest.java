package io.ikeseal.agent.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.daemon.TestDeployment;

/**
 * Configuration mistakes that only the start can see, on a real SoftHSM identity token and NSS key-exchange token:
 * each ends {@code run} and {@code initiate} with exit 2 and one line naming the file, the key and the problem,
 * where they used to be token failures (exit 1) that named neither.
 */
class StartupConfigErrorsCliTest {
    /** Certainly unset in the test's environment: a PIN source that yields nothing. */
    private static final String UNSET = "IKESEAL_TEST_PIN_NEVER_SET";

    @TempDir
    static Path dir;

    static TestDeployment deployment;

    @BeforeAll
    static void deploy() throws Exception {
        assertNull(System.getenv(UNSET));
        deployment = TestDeployment.create(dir);
    }

    @AfterAll
    static void close() {
        if (deployment != null) {
            deployment.close();
        }
    }

    /** The gateway's connection; tests break one thing in it or in the token sections. */
    private static String connection() {
        return """
                # Every case fails before binding: these ports are never opened.
                listen: [127.0.0.1]
                ike:
                  port: 15790
                  nat-t-port: 15791
                connections:
                  - name: branch
                    local-address: 127.0.0.1
                    remote-address: 127.0.0.1
                    remote-port: 9
                    local-id: gateway.ikeseal.test
                    remote-id: branch.ikeseal.test
                    local-auth: pubkey
                    identity: gateway-ecdsa
                    proposals: [aes256gcm16-prfsha256-ecp256]
                    children:
                      - {name: net, local-ts: [dynamic], remote-ts: [dynamic]}
                """;
    }

    private static String valid() {
        return deployment.tokenSections("audit.log") + connection();
    }

    /** Both commands that start a daemon refuse the file with exactly this line and exit 2. */
    private static void assertRefused(String yaml, String key, String problem) throws IOException {
        Path f = Files.writeString(dir.resolve("broken.yaml"), yaml)
                .toAbsolutePath()
                .normalize();
        String line = "ikeseal: " + f + ": " + key + ": " + problem + "\n";
        for (String[] args : new String[][] {
            {"run", "--config", f.toString()}, {"initiate", "branch", "--config", f.toString(), "--timeout", "2s"}
        }) {
            Cli.Result r = Cli.run(args);
            assertEquals(2, r.exit(), r.toString());
            assertEquals(line, r.err(), args[0]);
        }
    }

    @Test
    void pinEnvironmentVariableNotSet() throws IOException {
        String yaml = valid().replaceFirst("pin-file: \\S+", "pin-env: " + UNSET);
        assertRefused(
                yaml,
                "tokens[0].pin-env",
                "environment variable " + UNSET + " is not set; token 'smartcard' reads its PIN from it");
    }

    @Test
    void pinCredentialOutsideSystemdAndPinPromptWithoutATerminal() throws IOException {
        assertNull(System.getenv("CREDENTIALS_DIRECTORY"), "tests run outside a systemd service with credentials");
        assertRefused(
                valid().replaceFirst("pin-file: \\S+", "pin-credential: smartcard-pin"),
                "tokens[0].pin-credential",
                "$CREDENTIALS_DIRECTORY is not set, so systemd credential smartcard-pin cannot be read; run under "
                        + "systemd with LoadCredential=smartcard-pin:/path/to/pin");
        // the test JVM's stdin is a pipe
        assertRefused(
                valid().replaceFirst("pin-file: \\S+", "pin-prompt: true"),
                "tokens[0].pin-prompt",
                "token 'smartcard' asks for its PIN on the terminal, and this process has none; "
                        + "use pin-credential, pin-file or pin-env here");
    }

    @Test
    void noPinSourceForATokenThatNeedsALogin() throws IOException {
        String yaml = valid().replaceFirst("    pin-file: \\S+\n", "");
        assertRefused(
                yaml,
                "tokens[0]",
                "token 'smartcard' requires a login, but no PIN source is given "
                        + "(pin-file, pin-env, pin-credential or pin-prompt)");
    }

    @Test
    void moduleThatIsNotAPkcs11Library() throws IOException {
        Path text = Files.writeString(dir.resolve("not-a-module.so"), "not a shared library\n");
        // A real shared library (zlib, on every Debian system) that lacks C_GetFunctionList.
        Path zlib = Path.of("/lib/x86_64-linux-gnu/libz.so.1");
        assertTrue(Files.isRegularFile(zlib), zlib.toString());
        for (Path module : new Path[] {text, zlib}) {
            String yaml = valid().replaceFirst("module: \\S+", "module: " + module);
            assertRefused(
                    yaml,
                    "tokens[0].module",
                    "not a PKCS#11 library (cannot load it or find C_GetFunctionList): " + module);
        }
    }

    @Test
    void keyLabelAbsentFromTheToken() throws IOException {
        String yaml = valid().replace("key: gateway-ecdsa}", "key: gateway-ecdsa-typo}");
        Cli.Result r = Cli.run("run", "--config", write(yaml).toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(
                r.err()
                        .startsWith("ikeseal: " + write(yaml) + ": identities[0].key: token 'smartcard' has no private"
                                + " key 'gateway-ecdsa-typo' (keys present: "),
                r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void localIdTheCertificateDoesNotCarry() throws IOException {
        String yaml = valid().replace("local-id: gateway.ikeseal.test", "local-id: vpn.example.org");
        Cli.Result r = Cli.run("run", "--config", write(yaml).toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(
                r.err()
                        .startsWith("ikeseal: " + write(yaml) + ": connections[0].local-id: vpn.example.org is not in"
                                + " the certificate of identity 'gateway-ecdsa' (it carries: "),
                r.err());
        assertTrue(r.err().contains("gateway.ikeseal.test"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    private static Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("broken.yaml"), yaml)
                .toAbsolutePath()
                .normalize();
    }
}
