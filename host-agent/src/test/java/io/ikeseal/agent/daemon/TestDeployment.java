package io.ikeseal.agent.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.startup.TokenStartup;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.NssToken;
import io.ikeseal.testhsm.SoftHsmToken;
import io.ikeseal.testhsm.TestCa;

/**
 * A throw-away deployment for daemon tests: a SoftHSM "smartcard" holding the gateway's and the branch office's
 * identities (ECDSA P-256 and RSA-3072 each, certificates from a test CA), an NSS softoken "HSM" for key exchange
 * with a PSK, and the YAML sections that name them. The tokens use the fixtures' own copies of the PKCS#11 modules,
 * so any number of deployments coexist in one JVM.
 */
public final class TestDeployment implements AutoCloseable {
    public static final String GATEWAY = "gateway.ikeseal.test";
    public static final String BRANCH = "branch.ikeseal.test";
    public static final String PSK = "branch-psk";

    private final Path dir;
    private final TestCa ca;
    private final SoftHsmToken smartcard;
    private final NssToken hsm;
    private final byte[] psk;
    private final String kxLabel;

    private TestDeployment(Path dir, TestCa ca, SoftHsmToken smartcard, NssToken hsm, byte[] psk, String kxLabel) {
        this.dir = dir;
        this.ca = ca;
        this.smartcard = smartcard;
        this.hsm = hsm;
        this.psk = psk;
        this.kxLabel = kxLabel;
    }

    public static TestDeployment create(Path dir) throws Exception {
        return create(dir, false);
    }

    /**
     * Like {@link #create} with the key-exchange HSM behind p11trace ({@link NssToken#createTraced}): every byte
     * string crossing its PKCS#11 boundary is in {@link #hsmTraceLog()}.
     */
    public static TestDeployment createTraced(Path dir) throws Exception {
        return create(dir, true);
    }

    private static TestDeployment create(Path dir, boolean traced) throws Exception {
        TestCa ca = TestCa.create("CN=ikeseal test CA,O=ikeseal test");
        ca.writePem(dir.resolve("ca.pem"));
        SoftHsmToken smartcard = SoftHsmToken.create(dir, "ids");
        for (String who : List.of("gateway", "branch")) {
            String name = who + ".ikeseal.test";
            smartcard.generateIdentity(
                    who + "-ecdsa", KeyKind.EC_P256, ca, "CN=" + name + ",O=ikeseal test", List.of(name));
            smartcard.generateIdentity(
                    who + "-rsa", KeyKind.RSA_3072, ca, "CN=" + name + ",O=ikeseal test", List.of(name));
        }
        NssToken hsm = traced ? NssToken.createTraced(dir, "kx") : NssToken.create(dir, "kx");
        String kxLabel = Pkcs11Module.load(hsm.library(), hsm.nssArgs())
                .slots()
                .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                .label();
        byte[] psk = new byte[32];
        new SecureRandom().nextBytes(psk);
        long slot = Pkcs11Module.load(hsm.library(), hsm.nssArgs())
                .slots()
                .get(NssToken.KEY_STORAGE_SLOT_INDEX)
                .slotId();
        TokenSpec spec = new TokenSpec(
                "hsm",
                hsm.library(),
                SlotSelector.bySlotId(slot),
                PinSource.file(hsm.pinFile()),
                hsm.nssArgs(),
                hsm.environment(),
                Set.of(TokenRole.KEY_EXCHANGE),
                ResidencyTier.SEALED,
                2);
        try (HashChainedAuditLog audit = HashChainedAuditLog.open(dir.resolve("setup-audit.log"));
                Token t = TokenStartup.open(spec, audit)) {
            Token.await(PresharedKeys.importPsk(t, PSK, psk.clone(), true));
        }
        return new TestDeployment(dir, ca, smartcard, hsm, psk, kxLabel);
    }

    public Path dir() {
        return dir;
    }

    public TestCa ca() {
        return ca;
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The PSK's value, for a software peer such as charon. */
    public byte[] psk() {
        return psk.clone();
    }

    /** The HSM's p11trace log; only for {@link #createTraced} deployments. */
    public Path hsmTraceLog() {
        return hsm.traceLog();
    }

    public SoftHsmToken smartcard() {
        return smartcard;
    }

    /** The key-exchange HSM (NSS softoken), e.g. to move its database away under a running daemon. */
    public NssToken hsm() {
        return hsm;
    }

    /** audit, tokens, identities and psks sections; {@code auditLog} relative to the config file's directory. */
    public String tokenSections(String auditLog) {
        return tokenSections(auditLog, List.of(PSK), List.of("ca.pem"));
    }

    /**
     * The same sections naming other PSKs of the HSM (e.g. a second one a test imported) and other trust files
     * (e.g. a CA that did not issue the identities), relative to the config file's directory.
     */
    public String tokenSections(String auditLog, List<String> psks, List<String> trust) {
        StringBuilder pskLines = new StringBuilder();
        for (String p : psks) {
            pskLines.append("  - {name: ").append(p).append(", token: hsm}\n");
        }
        return """
                audit:
                  log: %s
                control:
                  socket: %s.sock
                tokens:
                  - name: smartcard
                    module: %s
                    token: %s
                    pin-file: %s
                    environment:
                      SOFTHSM2_CONF: %s
                    roles: [identity]
                    threads: 1
                  - name: hsm
                    module: %s
                    token: "%s"
                    pin-file: %s
                    nss-args: "%s"
                %s    roles: [key-exchange]
                    tier: sealed
                    threads: 2
                identities:
                  - {name: gateway-ecdsa, token: smartcard, key: gateway-ecdsa}
                  - {name: gateway-rsa, token: smartcard, key: gateway-rsa}
                  - {name: branch-ecdsa, token: smartcard, key: branch-ecdsa}
                  - {name: branch-rsa, token: smartcard, key: branch-rsa}
                psks:
                %strust: [%s]
                """.formatted(
                        auditLog,
                        auditLog, // a daemon run on this file serves its control socket beside its own audit log
                        smartcard.library(),
                        smartcard.label(),
                        smartcard.pinFile(),
                        smartcard.conf(),
                        hsm.library(),
                        kxLabel,
                        hsm.pinFile(),
                        hsm.nssArgs().replace("\"", "\\\""),
                        hsmEnvironment(),
                        pskLines,
                        String.join(", ", trust));
    }

    /** The HSM's environment block (p11trace's variables for a traced HSM), indented for its token entry. */
    private String hsmEnvironment() {
        if (hsm.environment().isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("    environment:\n");
        new java.util.TreeMap<>(hsm.environment())
                .forEach((k, v) ->
                        b.append("      ").append(k).append(": ").append(v).append('\n'));
        return b.toString();
    }

    /** Writes {@code name}.yaml: the token sections plus {@code rest} (listen, ike, connections). */
    public Path writeConfig(String name, String auditLog, String rest) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, tokenSections(auditLog) + rest, StandardCharsets.UTF_8);
        return f;
    }

    public Map<String, String> environment() {
        return smartcard.environment();
    }

    @Override
    public void close() {
        java.util.Arrays.fill(psk, (byte) 0);
        hsm.close();
        smartcard.close();
    }
}
