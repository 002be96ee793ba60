package io.ikeseal.demo;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.ikeseal.agent.cli.CliContext;
import io.ikeseal.agent.cli.ExitCode;
import io.ikeseal.agent.cli.UsageException;
import io.ikeseal.agent.cli.VersionProvider;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.startup.TokenStartup;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.IdentityKey;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SoftHsmToken;
import io.ikeseal.testhsm.TestCa;

/**
 * {@code ikeseal setup-demo DIR}: a self-contained demo deployment made of software tokens — SoftHSM as the
 * identity "smartcard", an NSS softoken database as the key-exchange "HSM" — and the configuration of two daemons
 * that use them: a gateway (ikeseal.yaml, the responder) and a branch office (branch.yaml, the initiator), on
 * loopback and high ports so that no root is needed.
 */
@Command(
        name = "setup-demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Create a demo deployment in DIR with software tokens standing in for real hardware:",
            "  - a SoftHSM token 'ikeseal-identity' (the smartcard) with the gateway's ECDSA P-256 and RSA-3072 keys "
                    + "and the branch office's ECDSA P-256 key, each with a certificate issued by a new demo CA (ca.pem);",
            "  - an NSS softoken database (the HSM) that runs Diffie-Hellman and the key schedule sealed, holding "
                    + "the demo pre-shared key 'branch-office' (its value also in branch-office.psk, mode 0600, for a "
                    + "software peer);",
            "  - ikeseal.yaml, the gateway (responder on 127.0.0.1 ports " + SetupDemoCommand.GATEWAY_PORT + "/"
                    + SetupDemoCommand.GATEWAY_NAT_T_PORT + "), and branch.yaml, the branch office (initiator on ports "
                    + SetupDemoCommand.BRANCH_PORT + "/" + SetupDemoCommand.BRANCH_NAT_T_PORT + "), both on these "
                    + "tokens, with paths relative to DIR; PIN files are mode 0600.",
            "Needs the Debian packages softhsm2 and libnss3-tools. Then run: ikeseal demo --dir DIR, or "
                    + "ikeseal run --config DIR/ikeseal.yaml and ikeseal initiate gateway --config DIR/branch.yaml"
        })
final class SetupDemoCommand implements Callable<Integer> {
    static final String IDENTITY_LABEL = "ikeseal-identity";
    private static final Pattern TOKENDIR = Pattern.compile("(?m)^(directories\\.tokendir\\s*=\\s*)(.*)$");
    static final String KX_NAME = "ikeseal-kx";
    static final String DEMO_PSK = "branch-office";
    static final String GATEWAY_DN = "CN=gateway.ikeseal.demo,O=ikeseal demo";
    static final String GATEWAY_SAN = "gateway.ikeseal.demo";
    static final String BRANCH_DN = "CN=branch.ikeseal.demo,O=ikeseal demo";
    static final String BRANCH_SAN = "branch.ikeseal.demo";
    /** The gateway's connection to the branch office (in ikeseal.yaml) and the branch's to the gateway. */
    static final String GATEWAY_CONNECTION = "branch";

    static final String BRANCH_CONNECTION = "gateway";
    static final String BRANCH_YAML = "branch.yaml";
    /** Above 1024, so a non-root user can bind them; 500/4500 are for production. */
    static final int GATEWAY_PORT = 15500;

    static final int GATEWAY_NAT_T_PORT = 15501;
    static final int BRANCH_PORT = 15600;
    static final int BRANCH_NAT_T_PORT = 15601;
    static final String SUITE = "aes256gcm16-prfsha256-ecp256";

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
        IdentityKey ecdsa =
                smartcard.generateIdentity("ike-ecdsa-p256", KeyKind.EC_P256, ca, GATEWAY_DN, List.of(GATEWAY_SAN));
        IdentityKey rsa =
                smartcard.generateIdentity("ike-rsa-3072", KeyKind.RSA_3072, ca, GATEWAY_DN, List.of(GATEWAY_SAN));
        // The branch office's key shares the "smartcard" so that one process can run both ends of the demo.
        IdentityKey branch =
                smartcard.generateIdentity("branch-ecdsa-p256", KeyKind.EC_P256, ca, BRANCH_DN, List.of(BRANCH_SAN));
        relativeTokenDir(smartcard.conf());
        Files.writeString(
                d.resolve("gateway-ecdsa-p256.pem"), TestCa.pem(ecdsa.certificate()), StandardCharsets.US_ASCII);
        Files.writeString(d.resolve("gateway-rsa-3072.pem"), TestCa.pem(rsa.certificate()), StandardCharsets.US_ASCII);
        Files.writeString(
                d.resolve("branch-ecdsa-p256.pem"), TestCa.pem(branch.certificate()), StandardCharsets.US_ASCII);
        NssToken hsm = NssToken.create(d, KX_NAME);
        // The fixture has initialized its copy of softoken; its key-storage slot is the second one listed.
        String kxLabel = Pkcs11Module.load(hsm.library(), hsm.nssArgs())
                .slots()
                .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                .label();
        String tokens = DemoYaml.tokens(d, smartcard, hsm, kxLabel);
        Path yaml = d.resolve("ikeseal.yaml");
        Files.writeString(yaml, DemoYaml.gateway(tokens), StandardCharsets.UTF_8);
        Path branchYaml = d.resolve(BRANCH_YAML);
        Files.writeString(branchYaml, DemoYaml.branch(tokens), StandardCharsets.UTF_8);
        IkesealConfig config = IkesealConfig.load(yaml);
        IkesealConfig.load(branchYaml);
        importDemoPsk(config, hsm, d.resolve(DEMO_PSK + ".psk"));
        ctx.out().println("demo created in " + d + ":");
        ctx.out()
                .println("  ikeseal.yaml            the gateway: responder on 127.0.0.1:" + GATEWAY_PORT
                        + ", tokens 'smartcard' (SoftHSM, identity) and 'hsm' (NSS softoken, key-exchange, sealed)");
        ctx.out()
                .println("  " + BRANCH_YAML + "             the branch office: initiator on 127.0.0.1:" + BRANCH_PORT
                        + ", connection '" + BRANCH_CONNECTION + "', same tokens");
        ctx.out()
                .println("  ca.pem                  demo CA; gateway-*.pem, branch-*.pem: certificates of "
                        + GATEWAY_SAN + " and " + BRANCH_SAN);
        ctx.out()
                .println("  " + DEMO_PSK + ".psk       the demo PSK (hex) for a software peer; also sealed in token "
                        + "'hsm'");
        ctx.out().println("next: ikeseal demo --dir " + d + "   (or: ikeseal token probe --config " + yaml + ")");
        return ExitCode.OK;
    }

    /**
     * Rewrites the SoftHSM conf's token directory relative to the conf, which ikeseal resolves at start: a copy of
     * the demo directory then signs with its own token, never with the original's. (The fixture has already read
     * the conf; SoftHSM reads it only at C_Initialize.)
     */
    static void relativeTokenDir(Path conf) throws IOException {
        Path base = conf.toAbsolutePath().getParent();
        Matcher m = TOKENDIR.matcher(Files.readString(conf, StandardCharsets.UTF_8));
        String text = m.replaceAll(r -> Matcher.quoteReplacement("# relative to this file for ikeseal; softhsm2-util"
                + " resolves it against the working directory\n"
                + r.group(1) + base.relativize(Path.of(r.group(2).strip()))));
        Files.writeString(conf, text, StandardCharsets.UTF_8);
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
        spec = new TokenSpec(
                spec.name(),
                hsm.library(),
                spec.slot(),
                spec.pin(),
                spec.nssArgs(),
                hsm.environment(),
                spec.roles(),
                spec.tier(),
                spec.threads());
        byte[] psk = new byte[32];
        new SecureRandom().nextBytes(psk);
        try {
            // --force: a new token, so a new PSK; the old file goes rather than keeping a stale value.
            Files.deleteIfExists(pskFile);
            Files.createFile(
                    pskFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pskFile, "0x" + HexFormat.of().formatHex(psk) + "\n", StandardCharsets.US_ASCII);
            try (HashChainedAuditLog audit =
                            HashChainedAuditLog.open(config.audit().log());
                    Token t = TokenStartup.open(spec, audit)) {
                Token.await(PresharedKeys.importPsk(t, DEMO_PSK, psk, true));
            }
        } finally {
            Arrays.fill(psk, (byte) 0);
        }
    }
}
