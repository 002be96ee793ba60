package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

import static org.bouncycastle.util.Arrays.concatenate;

import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.auth.AuthOutcome;
import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.config.IdentityConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.PskConfig;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.hsm.audit.AuditContext;
import io.ikeseal.hsm.audit.AuditVerifier;
import io.ikeseal.hsm.kx.DhGroup;
import io.ikeseal.hsm.schedule.Prf;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ikeseal demo}: the README's first command. Creates demo tokens once (as {@code setup-demo}), then runs
 * the token side of an IKE SA between an initiator and a responder on this host: DH in the HSM, the sealed
 * key schedule, an IKE_AUTH signature by the smartcard and a PSK AUTH in the HSM, a CHILD_SA KEYMAT and an IKE
 * SA rekey; checks both sides agree on every key without SK_d or g^ir leaving the token, and verifies the
 * audit chain. The IKE messages themselves arrive with the wire-format and exchange work.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Create demo tokens (first run) and run the token side of an IKE SA on them: "
                + "ECDH, SKEYSEED/SK_d sealed in the HSM, AUTH signed by the smartcard and by a PSK in the HSM, "
                + "CHILD_SA KEYMAT, IKE SA rekey; then verify the audit log's hash chain."})
final class DemoCommand implements Callable<Integer> {
    static final Prf PRF = Prf.HMAC_SHA2_256;
    static final DhGroup GROUP = DhGroup.ECP_256;
    static final String SUITE = "aes256gcm16-prfsha256-ecp256";

    private final CliContext ctx;
    @Option(names = "--dir", defaultValue = ".ikeseal/demo", paramLabel = "DIR",
            description = "State directory for the demo tokens and audit log (default: ${DEFAULT-VALUE}).")
    Path dir;

    private final List<String> failures = new ArrayList<>();

    DemoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = ctx.out();
        Path d = dir.toAbsolutePath().normalize();
        Path yaml = d.resolve("ikeseal.yaml");
        if (!Files.exists(yaml)) {
            int rc = Main.run(ctx, "setup-demo", d.toString());
            if (rc != ExitCode.OK) {
                return rc;
            }
            out.println();
        }
        IkesealConfig config = IkesealConfig.load(yaml);
        out.println("ikeseal demo: the token side of one IKE SA (" + SUITE + "), state in " + d);
        try (TokenSet session = new TokenSet(config)) {
            Token hsm = session.open(config.tokensWith(TokenRole.KEY_EXCHANGE).get(0));
            IdentityConfig idCfg = config.identities().get(0);
            Token smartcard = session.open(config.token(idCfg.token()).orElseThrow());
            describe(out, smartcard, "identity");
            describe(out, hsm, "key-exchange");
            run(out, d, config, hsm, smartcard, idCfg);
        }
        AuditVerifier.Result audit = AuditVerifier.verify(config.audit().log());
        out.printf("audit       %s: %d records, %s%n", config.audit().log(), audit.recordsChecked(),
                audit.ok() ? "hash chain intact" : "BROKEN at line " + audit.firstBadLine() + ": " + audit.reason());
        if (!audit.ok()) {
            failures.add("audit chain");
        }
        if (failures.isEmpty()) {
            out.println("result      OK: both sides agree on every key; g^ir, SKEYSEED, SK_d and the PSK never left "
                    + "token '" + hsm(config) + "'");
            return ExitCode.OK;
        }
        out.println("result      FAILED: " + String.join(", ", failures));
        return ExitCode.FAILURE;
    }

    private void run(PrintWriter out, Path d, IkesealConfig config, Token hsm, Token smartcard, IdentityConfig idCfg)
            throws Exception {
        DemoParty initiator = new DemoParty("initiator", hsm);
        DemoParty responder = new DemoParty("responder", hsm);
        responder.context = new AuditContext(DemoParty.hex(initiator.spi), DemoParty.hex(responder.spi),
                "127.0.0.1[500] (demo initiator)");
        initiator.context = new AuditContext(DemoParty.hex(initiator.spi), DemoParty.hex(responder.spi),
                "127.0.0.1[500] (demo responder)");
        out.printf("IKE SA      SPIi %s  SPIr %s%n", DemoParty.hex(initiator.spi), DemoParty.hex(responder.spi));

        // IKE_SA_INIT: each side's DH private value is generated in, and stays in, the HSM (RFC 7296 §1.2).
        byte[] kei = initiator.startKeyExchange(GROUP);
        byte[] ker = responder.startKeyExchange(GROUP);
        SealedKey girI = initiator.finishKeyExchange(ker);
        SealedKey girR = responder.finishKeyExchange(kei);
        out.printf("  %-9s ECDH %s: both key pairs generated in '%s'; g^ir is a %s token key on each side%n",
                "KE", GROUP.proposalName(), hsm.name(), hsm.tier().configName());
        byte[] ni = initiator.nonce;
        byte[] nr = responder.nonce;
        initiator.deriveIkeSaKeys(PRF, girI, ni, nr, initiator.spi, responder.spi);
        responder.deriveIkeSaKeys(PRF, girR, ni, nr, initiator.spi, responder.spi);
        byte[] probe = "ikeseal demo SK_d probe".getBytes(StandardCharsets.US_ASCII);
        check(out, "SK_d", "derived in '" + hsm.name() + "' (SKEYSEED, then HKDF-Expand), compared by a public prf "
                + "output", initiator.skDFingerprint(PRF, probe), responder.skDFingerprint(PRF, probe));
        check(out, "SK_e", "SK_ei|SK_er (36 octets each, AES-GCM-256 key + salt)",
                concatenate(initiator.keys.skEi().bytes(), initiator.keys.skEr().bytes()),
                concatenate(responder.keys.skEi().bytes(), responder.keys.skEr().bytes()));
        check(out, "SK_p", "SK_pi|SK_pr", concatenate(initiator.keys.skPi().bytes(), initiator.keys.skPr().bytes()),
                concatenate(responder.keys.skPi().bytes(), responder.keys.skPr().bytes()));

        // IKE_AUTH: the initiator signs with the smartcard, the responder proves the PSK (RFC 7296 §2.15).
        byte[] message1 = concatenate(initiator.spi, kei, ni);
        DemoAuth.Outcome sig = DemoAuth.initiatorSignature(smartcard, idCfg.key(), message1, nr, PRF, initiator,
                responder, d.resolve("ca.pem"));
        AuthOutcome checked = sig.responderCheck();
        out.printf("  %-9s initiator, %s: signed in '%s' with key '%s' as IDi %s; the responder %s%n", "AUTH",
                sig.scheme(), smartcard.name(), idCfg.key(), sig.idi(), checked.authenticated()
                        ? "verifies it: " + checked.detail() + " from " + d.resolve("ca.pem").getFileName()
                        : "DOES NOT accept it: " + checked);
        if (!checked.authenticated()) {
            failures.add("initiator AUTH");
        }
        PskConfig psk = config.psks().isEmpty() ? null : config.psks().get(0);
        if (psk != null) {
            byte[] message2 = concatenate(responder.spi, ker, nr);
            IdentificationPayload idr = IkeIdentity.parse("@responder.ikeseal.demo").toPayload(PayloadType.IDR);
            byte[] tokenAuth = DemoAuth.responderPsk(hsm, psk.name(), message2, ni, PRF, responder, idr);
            Path pskFile = d.resolve(psk.name() + ".psk");
            byte[] peerAuth = DemoAuth.softwarePskAuth(PRF, readHex(pskFile), message2, ni, initiator, idr);
            check(out, "AUTH", "responder, PSK '" + psk.name() + "': prf(prf(PSK, \"Key Pad for IKEv2\"), octets) in '"
                    + hsm.name() + "'; the peer computes it from " + pskFile.getFileName(), tokenAuth, peerAuth);
        }

        // First CHILD_SA: KEYMAT = prf+(SK_d, Ni | Nr) (§2.17), for AES-GCM-256 in both directions.
        check(out, "CHILD_SA", "KEYMAT (72 octets) from the sealed SK_d, handed to the SA installer only",
                initiator.childKeymat(PRF, ni, nr, 72), responder.childKeymat(PRF, ni, nr, 72));

        // IKE SA rekey: SKEYSEED' = prf(SK_d, g^ir' | Ni' | Nr') with a fresh ECDH, all in the token (§2.18).
        byte[] ni2 = DemoParty.random(32);
        byte[] nr2 = DemoParty.random(32);
        byte[] kei2 = initiator.startKeyExchange(GROUP);
        byte[] ker2 = responder.startKeyExchange(GROUP);
        SealedKey girI2 = initiator.finishKeyExchange(ker2);
        SealedKey girR2 = responder.finishKeyExchange(kei2);
        SealedKey newI = initiator.rekeySkeyseed(PRF, girI2, ni2, nr2);
        SealedKey newR = responder.rekeySkeyseed(PRF, girR2, ni2, nr2);
        check(out, "rekey", "SKEYSEED' from the old SK_d and a fresh ECDH, sealed",
                initiator.prf(PRF, newI, probe), responder.prf(PRF, newR, probe));
        for (SealedKey k : List.of(girI2, girR2, newI, newR)) {
            k.destroy();
        }
        initiator.keys.destroy();
        responder.keys.destroy();
    }

    private void check(PrintWriter out, String what, String how, byte[] a, byte[] b) {
        boolean same = MessageDigest.isEqual(a, b);
        out.printf("  %-9s %s: %s%n", what, how, same ? "both sides agree" : "SIDES DISAGREE");
        if (!same) {
            failures.add(what);
        }
    }

    private static void describe(PrintWriter out, Token t, String role) {
        var caps = t.capabilities();
        String serves = role.equals("identity") ? "signs " + String.join(", ", caps.signatureMethods())
                : "tier " + t.tier().configName() + ", DH " + caps.dhGroups().stream().map(DhGroup::proposalName).toList()
                + ", PRF " + caps.sealedPrfs().stream().map(Prf::proposalName).toList();
        out.printf("token       %-10s %s '%s' (%s): %s%n", t.name(), t.slot().model(), t.slot().label(), role, serves);
    }

    private static String hsm(IkesealConfig config) {
        return config.tokensWith(TokenRole.KEY_EXCHANGE).get(0).name();
    }

    private static byte[] readHex(Path file) throws java.io.IOException {
        String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
        return HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
    }
}
