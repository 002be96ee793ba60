package io.ikeseal.agent.cli;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.ikeseal.agent.config.IdentityConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.kx.KeyExchangeData;
import io.ikeseal.hsm.kx.ModpGroups;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.sign.AuthMethod;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.sign.TokenSigner;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;

/**
 * {@code ikeseal bench token}: what each configured token sustains. Per key-exchange token and DH group, one
 * operation is a whole sealed (or compat) IKE_SA_INIT key computation: key pair, g^ir with a software peer's
 * value, SKEYSEED and the IKE SA keys for AES-GCM-256 with prfsha256 (RFC 7296 §2.14). Per identity, one
 * operation is one AUTH signature, for every RFC 7427 scheme its key fits. Every operation is audited as usual.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Measure operations per second on each configured token, with one caller and with as many "
                    + "callers as the token has threads.",
            "Key-exchange tokens, for DH groups 19, 20, 21 and 14: key pair + g^ir + SKEYSEED + IKE SA keys "
                    + "(AES-GCM-256: SK_e 36 octets, no SK_a; prfsha256).",
            "Identities: signatures of 'the octets' per RFC 7427 scheme that fits the key.",
            "Every token operation is written to the audit log, as in production (see --audit-log)."
        })
final class BenchTokenCommand implements Callable<Integer> {
    static final List<DhGroup> GROUPS = List.of(DhGroup.ECP_256, DhGroup.ECP_384, DhGroup.ECP_521, DhGroup.MODP_2048);
    /** AES-GCM-256 with a 16-octet ICV: a 32-octet key and a 4-octet salt (RFC 5282 §7.1), no integrity key. */
    static final int GCM256_KEY = 36;

    static final Prf PRF = Prf.HMAC_SHA2_256;

    private final CliContext ctx;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--seconds",
            defaultValue = "3",
            paramLabel = "S",
            description = "Time per measurement, warm-up included (default 3).")
    double seconds;

    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;

    @Option(
            names = "--audit-log",
            paramLabel = "FILE",
            description = "Write the benchmark's audit records here instead of the configured audit log.")
    Path auditLog;

    BenchTokenCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** One measured row; {@code skipped} or {@code error} say why it has no figures. */
    record Row(
            String token,
            String subject,
            String operation,
            int threads,
            long operations,
            double seconds,
            double perSecond,
            double meanMillis,
            String skipped,
            String error) {
        static Row failed(String token, String subject, String operation, int threads, String error) {
            return new Row(token, subject, operation, threads, 0, 0, 0, 0, null, error);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!(seconds > 0 && seconds <= 600)) {
            throw new UsageException("--seconds must be more than 0 and at most 600, was " + seconds);
        }
        IkesealConfig cfg = config.load();
        if (auditLog != null) {
            cfg = cfg.withAudit(new io.ikeseal.agent.config.AuditConfig(auditLog.toAbsolutePath()));
        }
        List<Row> rows = new ArrayList<>();
        Map<String, Token> open = new LinkedHashMap<>();
        try (TokenSet session = new TokenSet(cfg)) {
            for (TokenConfig t : cfg.tokensWith(TokenRole.KEY_EXCHANGE)) {
                Token token = open.computeIfAbsent(t.name(), n -> session.open(t));
                for (DhGroup g : GROUPS) {
                    benchKeyExchange(token, g, rows);
                }
            }
            for (IdentityConfig id : cfg.identities()) {
                TokenConfig t = cfg.token(id.token()).orElseThrow();
                Token token = open.computeIfAbsent(t.name(), n -> session.open(t));
                benchSignatures(token, id, rows);
            }
        }
        print(rows);
        return rows.stream().anyMatch(r -> r.error() != null) ? ExitCode.FAILURE : ExitCode.OK;
    }

    private void benchKeyExchange(Token token, DhGroup group, List<Row> rows) throws Exception {
        String what = "keygen+g^ir+SKEYSEED+IKE SA keys";
        if (!token.capabilities().dhGroups().contains(group)) {
            rows.add(new Row(
                    token.name(), group.proposalName(), what, 0, 0, 0, 0, 0, "group not offered by the token", null));
            return;
        }
        byte[] peer = peerValue(group);
        SecureRandom random = new SecureRandom();
        byte[] ni = new byte[32];
        byte[] nr = new byte[32];
        byte[] spiI = new byte[8];
        byte[] spiR = new byte[8];
        random.nextBytes(ni);
        random.nextBytes(nr);
        random.nextBytes(spiI);
        random.nextBytes(spiR);
        KeyExchange kx = new KeyExchange(token);
        KeySchedule schedule = KeySchedule.forToken(token);
        Supplier<CompletableFuture<?>> op = () -> sharedSecret(kx, group, peer)
                .thenCompose(gir ->
                        schedule.skeyseed(PRF, ni, nr, gir, AuditContext.NONE).whenComplete((s, e) -> gir.destroy()))
                .thenCompose(seed -> schedule.ikeSaKeys(PRF, seed, ni, nr, spiI, spiR, 0, GCM256_KEY, AuditContext.NONE)
                        .whenComplete((k, e) -> seed.destroy()))
                .thenAccept(keys -> keys.destroy());
        measure(token, group.proposalName(), what, op, rows);
    }

    private void benchSignatures(Token token, IdentityConfig id, List<Row> rows) throws Exception {
        TokenIdentity identity;
        try {
            identity = TokenIdentity.find(token, id.key());
        } catch (RuntimeException e) {
            rows.add(Row.failed(token.name(), id.name(), "sign", 0, Main.message(e)));
            return;
        }
        byte[] octets = new byte[256]; // about the size of the signed octets of a real IKE_SA_INIT
        new SecureRandom().nextBytes(octets);
        for (SignatureScheme scheme : SignatureScheme.values()) {
            if (scheme.method() == AuthMethod.DIGITAL_SIGNATURE && scheme.fits(identity.keyType())) {
                measure(
                        token,
                        id.name(),
                        "sign " + scheme.name(),
                        () -> TokenSigner.sign(identity, scheme, octets, AuditContext.NONE),
                        rows);
            }
        }
    }

    private void measure(Token token, String subject, String what, Supplier<CompletableFuture<?>> op, List<Row> rows)
            throws Exception {
        int threads = token.spec().threads();
        for (int c : threads > 1 ? new int[] {1, threads} : new int[] {1}) {
            try {
                Throughput.Result r = Throughput.measure(op, c, seconds);
                rows.add(new Row(
                        token.name(),
                        subject,
                        what,
                        c,
                        r.operations(),
                        r.seconds(),
                        r.perSecond(),
                        r.meanMillis(),
                        null,
                        null));
            } catch (RuntimeException e) {
                rows.add(Row.failed(token.name(), subject, what, c, Main.message(e)));
                return;
            }
        }
    }

    /** Key pair and g^ir, as a responder computes them before it sends its KE payload. */
    private static CompletableFuture<SealedKey> sharedSecret(KeyExchange kx, DhGroup group, byte[] peer) {
        return kx.generate(group, AuditContext.NONE).thenCompose(pair -> kx.agree(pair, peer, AuditContext.NONE));
    }

    /** A software peer's public value for {@code group} (SunEC / SunJCE), as its KE payload would carry it. */
    static byte[] peerValue(DhGroup group) throws Exception {
        KeyPairGenerator g;
        if (group.kind() == DhGroup.Kind.MODP) {
            g = KeyPairGenerator.getInstance("DH", "SunJCE");
            g.initialize(ModpGroups.parameters(group));
        } else {
            g = KeyPairGenerator.getInstance("EC", "SunEC");
            g.initialize(new ECGenParameterSpec(group.curve()));
        }
        return KeyExchangeData.encode(group, g.generateKeyPair().getPublic());
    }

    private void print(List<Row> rows) throws Exception {
        if (json) {
            ctx.out().println(TokenProbeCommand.JSON.writeValueAsString(rows));
            return;
        }
        String fmt = "%-12s %-16s %-34s %7s %10s %9s%n";
        ctx.out().printf(fmt, "TOKEN", "SUBJECT", "OPERATION", "THREADS", "OPS/S", "MEAN MS");
        for (Row r : rows) {
            if (r.error() != null || r.skipped() != null) {
                ctx.out()
                        .printf(
                                "%-12s %-16s %-34s -- %s%n",
                                r.token(),
                                r.subject(),
                                r.operation(),
                                r.error() != null ? "FAILED: " + r.error() : r.skipped());
            } else {
                ctx.out()
                        .printf(
                                fmt,
                                r.token(),
                                r.subject(),
                                r.operation(),
                                r.threads(),
                                String.format("%.1f", r.perSecond()),
                                String.format("%.2f", r.meanMillis()));
            }
        }
    }
}
