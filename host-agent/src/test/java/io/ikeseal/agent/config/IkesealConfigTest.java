package io.ikeseal.agent.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.TestCa;

/** Loading real files: the happy path, and one test per class of configuration error with its exact message. */
class IkesealConfigTest {
    @TempDir
    Path dir;

    String softhsm;
    String softoken;

    @BeforeEach
    void files() throws IOException {
        softhsm = DebianTools.libSofthsm2().toString();
        softoken = DebianTools.libSoftokn3().toString();
        secret("smartcard.pin");
        secret("hsm.pin");
        Files.writeString(dir.resolve("softhsm2.conf"), "directories.tokendir = /nonexistent\n");
        Files.createDirectories(dir.resolve("nssdb"));
    }

    private void secret(String name) throws IOException {
        Path p = Files.createFile(
                dir.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(p, "1234");
    }

    /** A valid configuration; tests break one thing in it. */
    private String valid() {
        return """
                audit:
                  log: logs/audit.log
                tokens:
                  - name: smartcard
                    module: %s
                    token: ikeseal-identity
                    pin-file: smartcard.pin
                    environment: { SOFTHSM2_CONF: softhsm2.conf, OTHER: ./x, PLAIN: value }
                    roles: [identity]
                  - name: hsm
                    module: %s
                    uri: "pkcs11:token=NSS%%20Certificate%%20DB;manufacturer=Mozilla%%20Foundation"
                    pin-env: IKESEAL_HSM_PIN
                    nss-db: nssdb
                    roles: [key-exchange, identity]
                    tier: sealed
                    threads: 4
                identities:
                  - name: gateway
                    token: smartcard
                    key: ike-ecdsa-p256
                  - name: backup
                    token: hsm
                    key: "pkcs11:object=ike-rsa;type=private"
                psks:
                  - name: branch-office
                    token: hsm
                """.formatted(softhsm, softoken);
    }

    private Path write(String yaml) throws IOException {
        Files.createDirectories(dir.resolve("logs"));
        return Files.writeString(dir.resolve("ikeseal.yaml"), yaml);
    }

    private ConfigException fails(String yaml) throws IOException {
        Path f = write(yaml);
        return assertThrows(ConfigException.class, () -> IkesealConfig.load(f));
    }

    private void assertFails(String yaml, String keyPath, String problem) throws IOException {
        ConfigException e = fails(yaml);
        Path f = dir.resolve("ikeseal.yaml").toAbsolutePath().normalize();
        assertEquals(f + ": " + keyPath + ": " + problem, e.getMessage());
        assertEquals(keyPath, e.keyPath());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void wiresharkKeysAreOffUnlessAnExistingDirectoryIsNamed() throws IOException {
        assertEquals(DebugConfig.OFF, IkesealConfig.load(write(valid())).debug());
        Files.createDirectories(dir.resolve("ws"));
        assertEquals(
                Optional.of(dir.resolve("ws").toAbsolutePath().normalize()),
                IkesealConfig.load(write(valid() + "debug:\n  wireshark-keys: ws\n"))
                        .debug()
                        .wiresharkKeys());
        assertFails(
                valid() + "debug:\n  wireshark-keys: nowhere\n",
                "debug.wireshark-keys",
                "directory not found: "
                        + dir.resolve("nowhere").toAbsolutePath().normalize());
    }

    @Test
    void loadsAValidConfigAndMapsTokensToSpecs() throws IOException {
        IkesealConfig c = IkesealConfig.load(write(valid()));
        assertEquals(
                dir.resolve("logs/audit.log").toAbsolutePath().normalize(),
                c.audit().log());
        assertEquals(2, c.tokens().size());

        TokenSpec sc = c.token("smartcard").orElseThrow().toTokenSpec();
        assertEquals("smartcard", sc.name());
        assertEquals(Path.of(softhsm), sc.library());
        assertEquals(SlotSelector.byLabel("ikeseal-identity"), sc.slot());
        assertEquals(
                PinSource.file(dir.resolve("smartcard.pin").toAbsolutePath().normalize()), sc.pin());
        assertEquals(
                Map.of(
                        "SOFTHSM2_CONF",
                        dir.resolve("softhsm2.conf")
                                .toAbsolutePath()
                                .normalize()
                                .toString(),
                        "OTHER",
                        dir.resolve("x").toAbsolutePath().normalize().toString(),
                        "PLAIN",
                        "value"),
                sc.environment());
        assertEquals(Set.of(TokenRole.IDENTITY), sc.roles());
        assertEquals(ResidencyTier.SEALED, sc.tier(), "sealed unless compat is explicit");
        assertEquals(1, sc.threads(), "one thread by default");
        assertNull(sc.nssArgs());

        TokenSpec hsm = c.token("hsm").orElseThrow().toTokenSpec();
        assertEquals(new SlotSelector("NSS Certificate DB", null, "Mozilla Foundation", null, null), hsm.slot());
        assertEquals(PinSource.env("IKESEAL_HSM_PIN"), hsm.pin());
        assertEquals(
                "configdir='sql:" + dir.resolve("nssdb").toAbsolutePath().normalize()
                        + "' certPrefix='' keyPrefix='' secmod='secmod.db' flags='optimizeSpace'",
                hsm.nssArgs());
        assertEquals(Set.of(TokenRole.KEY_EXCHANGE, TokenRole.IDENTITY), hsm.roles());
        assertEquals(4, hsm.threads());

        assertEquals(
                new IdentityConfig("gateway", "smartcard", "ike-ecdsa-p256"),
                c.identities().get(0));
        assertTrue(c.identities().get(1).keyIsUri());
        assertEquals(new PskConfig("branch-office", "hsm"), c.psks().get(0));
    }

    @Test
    void compatTierForKeyExchangeWhenExplicit() throws IOException {
        IkesealConfig c = IkesealConfig.load(
                write(valid().replace("roles: [identity]\n", "roles: [identity, key-exchange]\n    tier: compat\n")));
        assertEquals(ResidencyTier.COMPAT, c.token("smartcard").orElseThrow().tier());
    }

    @Test
    void moduleNotFound() throws IOException {
        assertFails(valid().replace(softoken, "/usr/lib/x.so"), "tokens[1].module", "file not found: /usr/lib/x.so");
    }

    @Test
    void relativeFilesAreResolvedAgainstTheConfigDirectory() throws IOException {
        assertFails(
                valid().replace("pin-file: smartcard.pin", "pin-file: missing.pin"),
                "tokens[0].pin-file",
                "file not found: " + dir.resolve("missing.pin").toAbsolutePath().normalize());
    }

    /** The control socket: /run/ikeseal/control.sock unless control.socket says, relative to the file's directory. */
    @Test
    void controlSocket() throws IOException {
        assertEquals(
                Path.of("/run/ikeseal/control.sock"),
                IkesealConfig.load(write(valid())).control().socket());
        assertEquals(
                dir.resolve("run/ctl.sock").toAbsolutePath().normalize(),
                IkesealConfig.load(write(valid() + "control:\n  socket: run/ctl.sock\n"))
                        .control()
                        .socket());
        assertFails(valid() + "control:\n  sockets: x\n", "control.sockets", "unknown key (expected one of: socket)");
    }

    /** RFC 7296 §2.3: the window is announced with SET_WINDOW_SIZE when above 1; its answers are cached per SA. */
    @Test
    void windowSize() throws IOException {
        assertEquals(1, IkesealConfig.load(write(valid())).ike().exchange().windowSize(), "one request at a time");
        assertEquals(
                4,
                IkesealConfig.load(write(valid() + "ike:\n  window-size: 4\n"))
                        .ike()
                        .exchange()
                        .windowSize());
        assertFails(valid() + "ike:\n  window-size: 0\n", "ike.window-size", "must be 1..64 requests, was 0");
        assertFails(valid() + "ike:\n  window-size: 65\n", "ike.window-size", "must be 1..64 requests, was 65");
    }

    /** Pre-generated key pairs per DH group in the key-exchange token: off unless configured, bounded. */
    @Test
    void keySharePool() throws IOException {
        assertEquals(0, IkesealConfig.load(write(valid())).ike().keySharePool(), "off by default");
        assertEquals(
                16,
                IkesealConfig.load(write(valid() + "ike:\n  key-share-pool: 16\n"))
                        .ike()
                        .keySharePool());
        assertFails(
                valid() + "ike:\n  key-share-pool: -1\n",
                "ike.key-share-pool",
                "must be 0..1024 key pairs per group, was -1");
        assertFails(
                valid() + "ike:\n  key-share-pool: 1025\n",
                "ike.key-share-pool",
                "must be 0..1024 key pairs per group, was 1025");
    }

    /** RFC 7296 §2.12 reuse of the responder's key share: never unless configured, for a short time only. */
    @Test
    void reuseKeyShare() throws IOException {
        IkeSettingsConfig d = IkesealConfig.load(write(valid())).ike();
        assertEquals(Duration.ZERO, d.reuseKeyShare(), "off by default");
        assertEquals(100, d.reuseKeyShareUses());
        IkeSettingsConfig on = IkesealConfig.load(
                        write(valid() + "ike:\n  reuse-key-share: 10s\n  reuse-key-share-uses: 50\n"))
                .ike();
        assertEquals(Duration.ofSeconds(10), on.reuseKeyShare());
        assertEquals(50, on.reuseKeyShareUses());
        assertFails(
                valid() + "ike:\n  reuse-key-share-uses: 0\n",
                "ike.reuse-key-share-uses",
                "must be 1..10000 SAs per key share, was 0");
    }

    /** data-plane: a mode, or a mapping whose every key is checked; none when absent. */
    @Test
    void dataPlane() throws IOException {
        assertEquals(DataPlaneConfig.NONE, IkesealConfig.load(write(valid())).dataPlane());
        DataPlaneConfig shorthand =
                IkesealConfig.load(write(valid() + "data-plane: userspace\n")).dataPlane();
        assertEquals(DataPlaneConfig.NONE.withMode(DataPlaneConfig.Mode.USERSPACE), shorthand);
        DataPlaneConfig block = IkesealConfig.load(write(valid()
                        + "data-plane:\n  mode: userspace\n  tun: gw0\n  mtu: 1380\n  replay-window: 64\n"
                        + "  queues: 2\n"))
                .dataPlane();
        assertEquals(new DataPlaneConfig(DataPlaneConfig.Mode.USERSPACE, "gw0", 1380, 64, 2), block);
        assertFails(valid() + "data-plane: kernel\n", "data-plane", "must be userspace or none, was 'kernel'");
        assertFails(
                valid() + "data-plane:\n  tunnel: x\n",
                "data-plane.tunnel",
                "unknown key (known: mode, tun, mtu, replay-window, queues)");
        assertFails(valid() + "data-plane:\n  mtu: 100\n", "data-plane.mtu", "must be 576..9000, was 100");
        assertFails(valid() + "data-plane:\n  mtu: big\n", "data-plane.mtu", "must be a whole number, was 'big'");
        assertFails(
                valid() + "data-plane:\n  replay-window: 33\n",
                "data-plane.replay-window",
                "must be a multiple of 32 in 0..65536 (0: off), was 33");
        assertFails(
                valid() + "data-plane:\n  tun: a-name-far-too-long\n",
                "data-plane.tun",
                "a device name of 1-15 letters, digits, '_', '.' or '-', was 'a-name-far-too-long'");
        assertFails(valid() + "data-plane:\n  queues: 0\n", "data-plane.queues", "must be 1..16, was 0");
        assertFails(
                valid() + "data-plane: [userspace]\n",
                "data-plane",
                "must be userspace, none, or a mapping (mode, tun, mtu, replay-window, queues)");
    }

    @Test
    void badTier() throws IOException {
        assertFails(
                valid().replace("tier: sealed", "tier: seal"),
                "tokens[1].tier",
                "must be sealed or compat, was 'seal'");
    }

    @Test
    void compatOnlyForKeyExchange() throws IOException {
        assertFails(
                valid().replace("roles: [identity]\n", "roles: [identity]\n    tier: compat\n"),
                "tokens[0].tier",
                "compat applies only to the key-exchange role, and this token has roles [identity]");
    }

    @Test
    void badRole() throws IOException {
        assertFails(
                valid().replace("[key-exchange, identity]", "[key-exchange, signing]"),
                "tokens[1].roles[1]",
                "must be identity or key-exchange, was 'signing'");
    }

    @Test
    void unknownKey() throws IOException {
        ConfigException e = fails(valid().replace("pin-file: smartcard.pin", "pin-fil: smartcard.pin"));
        assertEquals("tokens[0].pin-fil", e.keyPath());
        assertTrue(e.problem().startsWith("unknown key (expected one of: "), e.problem());
        assertTrue(e.problem().contains("pin-file"), e.problem());
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        ConfigException e = fails(valid() + "conections: []\n");
        assertEquals("conections", e.keyPath());
        assertTrue(e.problem().startsWith("unknown key"), e.problem());
    }

    @Test
    void duplicateTokenNames() throws IOException {
        assertFails(
                valid().replace("name: hsm", "name: smartcard"),
                "tokens[1].name",
                "duplicate name 'smartcard' (also tokens[0])");
    }

    @Test
    void identityNamingAnUnknownToken() throws IOException {
        assertFails(
                valid().replace("token: smartcard\n    key:", "token: smartcrad\n    key:"),
                "identities[0].token",
                "unknown token 'smartcrad' (tokens: smartcard, hsm)");
    }

    @Test
    void identityOnATokenWithoutTheIdentityRole() throws IOException {
        assertFails(
                valid().replace("[key-exchange, identity]", "[key-exchange]"),
                "identities[1].token",
                "token 'hsm' does not have role identity (its roles: key-exchange)");
    }

    @Test
    void keyExchangeRoleMissing() throws IOException {
        String noKx = valid().substring(0, valid().indexOf("psks:")).replace("[key-exchange, identity]", "[identity]");
        assertFails(
                noKx,
                "tokens",
                "no token has role key-exchange; one is needed for Diffie-Hellman and the key schedule");
    }

    @Test
    void pskOnATokenWithoutTheKeyExchangeRole() throws IOException {
        assertFails(
                valid().replace("token: hsm\n", "token: smartcard\n"),
                "psks[0].token",
                "token 'smartcard' does not have role key-exchange (its roles: identity)");
    }

    @Test
    void systemdCredentialAndPromptAreSourcesToo() throws IOException {
        IkesealConfig c =
                IkesealConfig.load(write(valid().replace("pin-env: IKESEAL_HSM_PIN", "pin-credential: hsm-pin")
                        .replace("pin-file: smartcard.pin", "pin-prompt: true")));
        assertEquals(PinSource.credential("hsm-pin"), c.tokens().get(1).pin());
        assertInstanceOf(PinSource.Prompt.class, c.tokens().get(0).pin());
        assertEquals("prompt", c.tokens().get(0).toTokenSpec().pin().describe());
        assertFails(
                valid().replace("pin-file: smartcard.pin", "pin-file: smartcard.pin\n    pin-prompt: true"),
                "tokens[0]",
                "give at most one of pin-file, pin-env, pin-credential, pin-prompt and the uri's pin-source");
        assertFails(
                valid().replace("pin-env: IKESEAL_HSM_PIN", "pin-credential: ../etc/pin"),
                "tokens[1].pin-credential",
                "not a systemd credential name (no '/', not '.' or '..'): '../etc/pin'");
    }

    @Test
    void pinValueInAUriIsRefusedWithoutEchoingIt() throws IOException {
        ConfigException e = fails(valid().replace(
                        "manufacturer=Mozilla%20Foundation\"",
                        "manufacturer=Mozilla%20Foundation?pin-value=s3cr3t-pin;bogus\""));
        assertEquals("tokens[1].uri", e.keyPath());
        assertEquals(
                "pin-value is refused: a PIN does not belong in configuration; use pin-file or pin-env", e.problem());
        assertFalse(e.getMessage().contains("s3cr3t"));
        assertFalse(String.valueOf(e.getCause()).contains("s3cr3t"));
    }

    @Test
    void pinValueInAKeyUriIsRefused() throws IOException {
        // a PIN no temporary directory's name can contain: the message names the file, whose path has digits
        ConfigException e = fails(valid().replace("type=private\"", "type=private?PIN-VALUE=pinSeven7\""));
        assertEquals("identities[1].key", e.keyPath());
        assertFalse(e.getMessage().contains("pinSeven7"));
    }

    @Test
    void malformedUri() throws IOException {
        ConfigException e = fails(valid().replace("pkcs11:token=", "pkcs11:tokn="));
        assertEquals("tokens[1].uri", e.keyPath());
        assertTrue(e.problem().startsWith("unknown PKCS#11 URI path attribute 'tokn'"), e.problem());
    }

    @Test
    void exactlyOneSlotSelector() throws IOException {
        assertFails(
                valid().replace("token: ikeseal-identity", "token: ikeseal-identity\n    slot-id: 3"),
                "tokens[0]",
                "give exactly one of token, uri and slot-id");
        assertFails(
                valid().replace("    token: ikeseal-identity\n", ""),
                "tokens[0].token",
                "required: the token label (or instead uri or slot-id)");
    }

    @Test
    void yamlSyntaxErrorWithLineAndColumn() throws IOException {
        ConfigException e = fails("audit:\n  log: a.log\ntokens:\n  - name: x\n module: y\n");
        assertEquals("line 5, column 2", e.keyPath());
        assertTrue(e.problem().startsWith("YAML syntax error: "), e.problem());
    }

    @Test
    void yamlSyntaxErrorInsideASectionKeepsLineAndColumn() throws IOException {
        // Jackson wraps this one in a mapping error that names only the section ("tokens").
        ConfigException e = fails(valid().replace("    token: ikeseal-identity\n", "   token: ikeseal-identity\n"));
        assertEquals("line 6, column 4", e.keyPath());
        assertTrue(e.problem().startsWith("YAML syntax error: expected <block end>"), e.problem());
    }

    @Test
    void duplicateYamlKey() throws IOException {
        ConfigException e = fails(valid().replace("threads: 4", "threads: 4\n    threads: 5"));
        assertEquals("tokens[1].threads", e.keyPath());
        assertTrue(e.problem().startsWith("duplicate key (line 18"), e.problem());
    }

    @Test
    void wrongValueType() throws IOException {
        assertFails(
                valid().replace("threads: 4", "threads: four"), "tokens[1].threads", "expected an integer, was 'four'");
        assertFails(valid().replace("roles: [identity]", "roles: identity"), "tokens[0].roles", "expected a list");
    }

    @Test
    void threadsInRange() throws IOException {
        assertFails(valid().replace("threads: 4", "threads: 0"), "tokens[1].threads", "must be 1..256, was 0");
    }

    @Test
    void pinFileReadableByGroupOrOthersIsRefused() throws IOException {
        Path pin = dir.resolve("smartcard.pin");
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw--w----", "rwx------")) {
            Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString(mode));
            assertFails(
                    valid(),
                    "tokens[0].pin-file",
                    "PIN file " + pin.toAbsolutePath().normalize() + " has mode " + mode
                            + ", must be rw------- or r-------- (0600 or 0400); chmod 600 it");
        }
        Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("r--------"));
        IkesealConfig.load(write(valid()));
    }

    @Test
    void explicitNullIsRefusedNotDefaulted() throws IOException {
        String problem = "no value (~, null or nothing after the colon); write a value, or leave the key out"
                + " to use its default";
        assertFails(valid() + "ike:\n  port: ~\n", "ike.port", problem);
        assertFails(valid() + "ike:\n  port: null\n", "ike.port", problem);
        assertFails(valid() + "ike:\n  cookie-threshold:\n", "ike.cookie-threshold", problem);
        assertFails(valid().replace("threads: 4", "threads: ~"), "tokens[1].threads", problem);
        assertFails(valid() + "ike: ~\n", "ike", problem);
    }

    @Test
    void trustFileThatIsNotACertificate() throws IOException {
        Files.writeString(dir.resolve("ca.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertFails(
                valid() + "trust: [ca.pem]\n",
                "trust[0]",
                "not a certificate file: "
                        + dir.resolve("ca.pem").toAbsolutePath().normalize()
                        + " (expected PEM or DER X.509 CA certificates)");
        Files.writeString(dir.resolve("ca.pem"), "");
        assertFails(
                valid() + "trust: [ca.pem]\n",
                "trust[0]",
                "no certificate in " + dir.resolve("ca.pem").toAbsolutePath().normalize()
                        + " (expected PEM or DER X.509 CA certificates)");
        TestCa.shared().writePem(dir.resolve("ca2.pem"));
        assertEquals(
                1,
                IkesealConfig.load(write(valid() + "trust: [ca2.pem]\n"))
                        .trust()
                        .size());
    }

    @Test
    void oneModuleCannotBeInitializedTwoWays() throws IOException {
        String yaml = valid().replace(softoken, softhsm).replace("    nss-db: nssdb\n", "");
        assertFails(
                yaml,
                "tokens[1].module",
                "same module as tokens[0] but different nss-args or environment; a module "
                        + "is initialized once per process, so use a copy of the library");
    }

    @Test
    void missingAuditSectionAndEmptyFile() throws IOException {
        assertFails(valid().replace("audit:\n  log: logs/audit.log\n", ""), "audit", "required (audit: { log: FILE })");
        ConfigException e = fails("# nothing\n");
        assertEquals(
                dir.resolve("ikeseal.yaml").toAbsolutePath().normalize()
                        + ": empty configuration (needs at least audit: and tokens:)",
                e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> IkesealConfig.load(f));
        assertEquals(f + ": file not found", e.getMessage());
    }

    /**
     * The commented examples in config/ load, key by key, not only up to their first missing file: each is copied
     * into the temp directory with its absolute paths moved below it, and every file or directory the loader then
     * reports missing is created there (PIN files mode 0600), a bounded number of times. The examples keep naming
     * real-world paths (/etc/ikeseal/..., a vendor's module) that no test machine has.
     */
    private IkesealConfig loadExample(String name) throws IOException {
        // Surefire sets basedir to the module directory; the working directory may be elsewhere (the fuzz execution).
        Path example = Path.of(System.getProperty("basedir", "."), "..", "config", name);
        assertTrue(Files.isRegularFile(example), example.toAbsolutePath().toString());
        Path root = dir.resolve("root");
        String text = Files.readString(example).replaceAll("(?m)^([^#\\n]*?(?:: |- |\\[))/", "$1" + root + "/");
        Path copy = Files.writeString(dir.resolve("example").resolve(name), text, StandardCharsets.UTF_8);
        for (int created = 0; created < 20; created++) {
            try {
                return IkesealConfig.load(copy);
            } catch (ConfigException e) {
                Matcher missing =
                        Pattern.compile("(file|directory) not found: (.*)").matcher(e.problem());
                assertTrue(missing.matches(), "only missing files may stop an example: " + e.getMessage());
                Path p = Path.of(missing.group(2));
                assertTrue(p.startsWith(dir), e.getMessage());
                if (missing.group(1).equals("directory")) {
                    Files.createDirectories(p);
                } else if (e.keyPath().startsWith("trust")) {
                    Files.createDirectories(p.getParent());
                    TestCa.shared().writePem(p);
                } else {
                    Files.createDirectories(p.getParent());
                    Files.createFile(
                            p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
            }
        }
        return fail(name + " names more than 20 missing files");
    }

    @Test
    void productionExampleLoads() throws IOException {
        Files.createDirectories(dir.resolve("example"));
        IkesealConfig c = loadExample("ikeseal.example.yaml");
        assertEquals(
                List.of("smartcard", "hsm"),
                c.tokens().stream().map(TokenConfig::name).toList());
        assertEquals(
                List.of("192.0.2.1", "2001:db8:0:0:0:0:0:1"),
                c.listen().stream().map(InetAddress::getHostAddress).toList());
        assertEquals(500, c.ike().port());
        assertEquals(4500, c.ike().natTPort());
        assertEquals(DataPlaneConfig.NONE, c.dataPlane(), "the example spells out the defaults");
        assertEquals(ResidencyTier.SEALED, c.ike().requiredTier());
        assertEquals(1, c.trust().size());

        ConnectionConfig branches = c.connection("branch-offices").orElseThrow();
        assertNull(branches.remote(), "remote-address any");
        assertNull(branches.remoteId(), "remote-id any");
        assertEquals(ConnectionConfig.AuthKind.PUBKEY, branches.remoteAuth());
        assertEquals("gateway", branches.identity());
        assertEquals(2, branches.proposals().size());
        assertEquals(Duration.ofHours(8), branches.lifetimes().rekeyTime());
        assertEquals(Duration.ofMinutes(48), branches.lifetimes().overTime());
        assertEquals(Duration.ZERO, branches.lifetimes().reauthTime());
        assertEquals(Duration.ofSeconds(30), branches.liveness().dpdDelay());
        assertFalse(branches.initiate());
        ChildConfig lan = branches.children().getFirst();
        assertEquals(ChildSaMode.TUNNEL, lan.mode());
        assertEquals(2, lan.espProposals().size());

        ConnectionConfig siteB = c.connection("site-b").orElseThrow();
        assertEquals(new InetSocketAddress("2001:db8:b::1", 500), siteB.remote());
        assertEquals(ConnectionConfig.AuthKind.PSK, siteB.localAuth());
        assertEquals(ConnectionConfig.AuthKind.PSK, siteB.remoteAuth(), "remote-auth defaults to local-auth");
        assertEquals("branch-office", siteB.psk());
        assertTrue(siteB.initiate());
        assertEquals(2, siteB.children().getFirst().remoteTs().size());
    }

    @Test
    void softwareTokensExampleLoads() throws IOException {
        Files.createDirectories(dir.resolve("example"));
        IkesealConfig c = loadExample("ikeseal.software-tokens.yaml");
        assertEquals(
                List.of("gateway-ecdsa", "gateway-rsa"),
                c.identities().stream().map(IdentityConfig::name).toList());
        assertEquals(15500, c.ike().port());
        assertEquals(15501, c.ike().natTPort());
        ConnectionConfig branch = c.connection("branch").orElseThrow();
        assertEquals("branch.ikeseal.demo", branch.remoteId().toString());
        assertEquals(
                "aes256gcm16-prfsha256-ecp256", branch.proposals().getFirst().text());
        assertEquals(
                Duration.ofHours(1), branch.children().getFirst().lifetimes().rekeyTime());
        assertEquals(
                Duration.ofMinutes(66), branch.children().getFirst().lifetimes().lifeTime());
    }
}
