package io.ikeseal.agent.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.DebianTools;
import io.ikeseal.testhsm.IdentityKey;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SoftHsmToken;
import io.ikeseal.testhsm.TestCa;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ikeseal setup-demo DIR}: a self-contained demo deployment made of software tokens — SoftHSM as the
 * identity "smartcard", an NSS softoken database as the key-exchange "HSM" — and an ikeseal.yaml that uses them.
 */
@Command(name = "setup-demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Create a demo deployment in DIR with software tokens standing in for real hardware:",
            "  - a SoftHSM token 'ikeseal-identity' (the smartcard) with ECDSA P-256 and RSA-3072 identity keys and "
                + "their certificates, issued by a new demo CA (ca.pem);",
            "  - an NSS softoken database (the HSM) that runs Diffie-Hellman and the key schedule sealed, holding "
                + "the demo pre-shared key 'branch-office' (its value also in branch-office.psk, mode 0600, for the "
                + "peer);",
            "  - ikeseal.yaml using both, with paths relative to DIR; PIN files are mode 0600.",
            "Needs the Debian packages softhsm2 and libnss3-tools. Then run: ikeseal token probe --config "
                + "DIR/ikeseal.yaml"})
final class SetupDemoCommand implements Callable<Integer> {
    static final String IDENTITY_LABEL = "ikeseal-identity";
    static final String KX_NAME = "ikeseal-kx";
    static final String DEMO_PSK = "branch-office";
    static final String GATEWAY_DN = "CN=gateway.ikeseal.demo,O=ikeseal demo";
    static final String GATEWAY_SAN = "gateway.ikeseal.demo";

    private final CliContext ctx;
    @Parameters(paramLabel = "DIR", description = "Where to create the demo (created if missing; must be empty).")
    Path dir;
    @Option(names = "--force", description = "Write into a non-empty DIR (replaces its ikeseal.yaml, ca.pem, ...).")
    boolean force;

    SetupDemoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Path d = prepare(dir.toAbsolutePath().normalize());
        TestCa ca = TestCa.create("CN=ikeseal demo CA,O=ikeseal demo");
        ca.writePem(d.resolve("ca.pem"));
        // The fixtures stay open: closing them would delete their directories, which are the demo.
        SoftHsmToken smartcard = SoftHsmToken.create(d, IDENTITY_LABEL);
        IdentityKey ecdsa = smartcard.generateIdentity("ike-ecdsa-p256", KeyKind.EC_P256, ca, GATEWAY_DN,
                List.of(GATEWAY_SAN));
        IdentityKey rsa = smartcard.generateIdentity("ike-rsa-3072", KeyKind.RSA_3072, ca, GATEWAY_DN,
                List.of(GATEWAY_SAN));
        Files.writeString(d.resolve("gateway-ecdsa-p256.pem"), TestCa.pem(ecdsa.certificate()), StandardCharsets.US_ASCII);
        Files.writeString(d.resolve("gateway-rsa-3072.pem"), TestCa.pem(rsa.certificate()), StandardCharsets.US_ASCII);
        NssToken hsm = NssToken.create(d, KX_NAME);
        // The fixture has initialized its copy of softoken; its key-storage slot is the second one listed.
        String kxLabel = Pkcs11Module.load(hsm.library(), hsm.nssArgs()).slots()
                .get(NssToken.KEY_STORAGE_SLOT_INDEX).label();
        Path yaml = d.resolve("ikeseal.yaml");
        Files.writeString(yaml, yaml(d, smartcard, hsm, kxLabel), StandardCharsets.UTF_8);
        IkesealConfig config = IkesealConfig.load(yaml);
        importDemoPsk(config, hsm, d.resolve(DEMO_PSK + ".psk"));
        ctx.out().println("demo created in " + d + ":");
        ctx.out().println("  ikeseal.yaml            tokens 'smartcard' (SoftHSM, identity) and 'hsm' (NSS softoken, "
                + "key-exchange, sealed)");
        ctx.out().println("  ca.pem                  demo CA; gateway-*.pem: the gateway's certificates ("
                + GATEWAY_SAN + ")");
        ctx.out().println("  " + DEMO_PSK + ".psk       the demo PSK (hex) for the peer; also sealed in token 'hsm'");
        ctx.out().println("next: ikeseal token probe --config " + yaml);
        return ExitCode.OK;
    }

    private Path prepare(Path d) throws IOException {
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new UsageException(d + " exists and is not a directory");
        }
        if (Files.isDirectory(d) && !force) {
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isPresent()) {
                    throw new UsageException(d + " is not empty; choose a new directory or add --force");
                }
            }
        }
        return Files.createDirectories(d);
    }

    /**
     * Imports a random 32-octet PSK through the fixture's own copy of softoken (so that this process never
     * initializes the system library the configuration names with other arguments), audited in the demo's log.
     */
    private static void importDemoPsk(IkesealConfig config, NssToken hsm, Path pskFile) throws IOException {
        TokenConfig tc = config.token("hsm").orElseThrow();
        TokenSpec spec = tc.toTokenSpec();
        spec = new TokenSpec(spec.name(), hsm.library(), spec.slot(), spec.pin(), spec.nssArgs(), hsm.environment(),
                spec.roles(), spec.tier(), spec.threads());
        byte[] psk = new byte[32];
        new SecureRandom().nextBytes(psk);
        try {
            Files.createFile(pskFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pskFile, "0x" + HexFormat.of().formatHex(psk) + "\n", StandardCharsets.US_ASCII);
            try (HashChainedAuditLog audit = HashChainedAuditLog.open(config.audit().log());
                 Token t = Token.open(spec, audit)) {
                Token.await(PresharedKeys.importPsk(t, DEMO_PSK, psk, true));
            }
        } finally {
            Arrays.fill(psk, (byte) 0);
        }
    }

    private static String yaml(Path d, SoftHsmToken smartcard, NssToken hsm, String kxLabel) {
        return """
                # ikeseal demo configuration, written by `ikeseal setup-demo`.
                # Relative paths are relative to this file's directory.
                audit:
                  # hash-chained record of every token operation; check it with: ikeseal audit verify
                  log: audit.log

                tokens:
                  # The "smartcard": SoftHSM holding the gateway's signing keys. SoftHSM has no HKDF, so it
                  # could serve key-exchange only at tier compat; here it only signs IKE_AUTH.
                  - name: smartcard
                    module: %s
                    token: %s
                    pin-file: %s
                    # read by SoftHSM at C_Initialize
                    environment:
                      SOFTHSM2_CONF: %s
                    roles: [identity]
                    # a smartcard does one thing at a time
                    threads: 1

                  # The "HSM": an NSS softoken database. Diffie-Hellman, g^ir, SKEYSEED, SK_d and PSKs stay
                  # inside it (CKM_HKDF_DERIVE).
                  - name: hsm
                    module: %s
                    token: "%s"
                    pin-file: %s
                    # the NSS database directory (instead of nss-args, softoken's init string)
                    nss-db: %s
                    roles: [key-exchange]
                    tier: sealed
                    threads: 2

                identities:
                  - name: gateway-ecdsa
                    token: smartcard
                    # the key's label on the token; certificate: gateway-ecdsa-p256.pem
                    key: ike-ecdsa-p256
                  - name: gateway-rsa
                    token: smartcard
                    # certificate: gateway-rsa-3072.pem
                    key: ike-rsa-3072

                # names only: the values live in the token (ikeseal token import-psk)
                psks:
                  - name: %s
                    token: hsm
                """.formatted(DebianTools.libSofthsm2(), IDENTITY_LABEL, rel(d, smartcard.pinFile()),
                rel(d, smartcard.conf()), DebianTools.libSoftokn3(), kxLabel, rel(d, hsm.pinFile()),
                rel(d, hsm.dbDir()), DEMO_PSK);
    }

    private static String rel(Path base, Path p) {
        return base.relativize(p.toAbsolutePath().normalize()).toString();
    }
}
