package io.ikeseal.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.ikeseal.agent.cli.CliContext;
import io.ikeseal.agent.cli.ExitCode;
import io.ikeseal.agent.cli.Main;
import io.ikeseal.agent.cli.SaLines;
import io.ikeseal.agent.cli.VersionProvider;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.exchange.IkeSaFailure;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditVerifier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;

/**
 * {@code ikeseal demo}: the README's first command. Creates the demo deployment once (as {@code setup-demo}), then
 * runs its two daemons in this process on one set of open tokens: the gateway (ikeseal.yaml) responds, the branch
 * office (branch.yaml) initiates; IKE_SA_INIT, IKE_AUTH with certificates both ways and a CHILD_SA go over UDP on
 * loopback. Prints each side's view of the SA and, from the audit log, which token did what; deletes the SA
 * (INFORMATIONAL Delete), verifies the audit chain, and exits 0 only if all of that worked.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Create the demo deployment (first run; as setup-demo), start its gateway and branch office "
                    + "daemons in this process on UDP loopback, establish an IKE SA with a CHILD_SA between them "
                    + "(certificates both ways, keys in the demo tokens), print both sides' view of it and which token "
                    + "did what, delete it, and verify the audit log's hash chain.",
            "Exits 0 only if the SAs were established and deleted and the audit chain is intact."
        })
final class DemoCommand implements Callable<Integer> {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration DELETE_WAIT = Duration.ofSeconds(5);

    private final CliContext ctx;

    @Option(
            names = "--dir",
            defaultValue = ".ikeseal/demo",
            paramLabel = "DIR",
            description = "State directory for the demo tokens, configuration and audit log (default: "
                    + "${DEFAULT-VALUE}).")
    Path dir;

    private final List<String> failures = new ArrayList<>();

    DemoCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    /** One daemon's SA events, as far as the demo needs them. */
    private static final class Side implements SaEvents {
        final CompletableFuture<IkeSaInfo> established = new CompletableFuture<>();
        final CompletableFuture<String> deleted = new CompletableFuture<>();

        @Override
        public void ikeSaEstablished(IkeSaInfo sa) {
            established.complete(sa);
        }

        @Override
        public void ikeSaFailed(IkeSaInfo sa, String reason) {
            established.completeExceptionally(new IkeSaFailure(reason));
        }

        @Override
        public void ikeSaDeleted(IkeSaInfo sa, String reason) {
            deleted.complete(reason);
        }
    }

    @Override
    public Integer call() throws Exception {
        Level logLevel = quietLogs();
        try {
            return demo(ctx.out(), dir.toAbsolutePath().normalize());
        } finally {
            restoreLogs(logLevel);
        }
    }

    private int demo(PrintWriter out, Path d) throws IOException, InterruptedException {
        int rc = ensureDemo(d);
        if (rc != ExitCode.OK) {
            return rc;
        }
        IkesealConfig gatewayConfig = IkesealConfig.load(d.resolve("ikeseal.yaml"));
        IkesealConfig branchConfig = IkesealConfig.load(d.resolve(SetupDemoCommand.BRANCH_YAML));
        out.println("ikeseal demo: a branch office and a gateway, two ikeseal daemons on UDP loopback, establish an "
                + "IKE SA and a CHILD_SA; state in " + d);
        Side gatewaySide = new Side();
        Side branchSide = new Side();
        IkeSaInfo initiator = null;
        IkeSaInfo responder = null;
        Set<String> gatewayAddresses = Set.of();
        Set<String> branchAddresses = Set.of();
        // One TokenSet for both daemons: a PKCS#11 module is initialized once per process, a token logged in once.
        try (TokenSet tokens = new TokenSet(gatewayConfig)) {
            for (TokenConfig t : gatewayConfig.tokens()) {
                describe(out, tokens.open(t));
            }
            try (IkeDaemon gateway = IkeDaemon.start(
                    gatewayConfig, tokens, IkeDaemon.Options.defaults().withEvents(gatewaySide))) {
                gatewayAddresses = addresses(gateway);
                out.printf(
                        "%-11s responder (ikeseal.yaml, connection '%s'): listening on %s%n",
                        "gateway", SetupDemoCommand.GATEWAY_CONNECTION, SaLines.sockets(gateway));
                try (IkeDaemon branch = IkeDaemon.start(
                        branchConfig, tokens, IkeDaemon.Options.defaults().withEvents(branchSide))) {
                    branchAddresses = addresses(branch);
                    out.printf(
                            "%-11s initiator (%s, connection '%s'): listening on %s, initiating to %s%n",
                            "branch",
                            SetupDemoCommand.BRANCH_YAML,
                            SetupDemoCommand.BRANCH_CONNECTION,
                            SaLines.sockets(branch),
                            IkeSaInfo.address(branchConfig
                                    .connection(SetupDemoCommand.BRANCH_CONNECTION)
                                    .orElseThrow()
                                    .remote()));
                    initiator = await(branch.initiate(SetupDemoCommand.BRANCH_CONNECTION), "the initiator");
                    responder = initiator == null ? null : await(gatewaySide.established, "the responder");
                }
                // The branch daemon closed first and deleted its SA (INFORMATIONAL Delete, RFC 7296 §1.4.1).
            }
        }
        if (initiator != null && responder != null) {
            Path log = gatewayConfig.audit().log();
            view(out, "initiator", initiator, SaAuditTally.read(log, hex(initiator.spiI()), gatewayAddresses));
            view(out, "responder", responder, SaAuditTally.read(log, hex(responder.spiI()), branchAddresses));
            out.printf("%-11s initiator: %s; responder: %s%n", "deleted", deletion(branchSide), deletion(gatewaySide));
        }
        audit(out, gatewayConfig);
        if (failures.isEmpty()) {
            boolean sealed = initiator.tier() == ResidencyTier.SEALED && responder.tier() == ResidencyTier.SEALED;
            out.println("result      OK: IKE SA and CHILD_SA established and deleted; "
                    + (sealed
                            ? "the DH private values, g^ir, SKEYSEED and SK_d never left token '"
                            : "tier compat: g^ir left " + "token '")
                    + gatewayConfig
                            .tokensWith(TokenRole.KEY_EXCHANGE)
                            .getFirst()
                            .name() + "', the signing "
                    + "keys never left token '"
                    + gatewayConfig.tokensWith(TokenRole.IDENTITY).getFirst().name() + "'");
            return ExitCode.OK;
        }
        out.println("result      FAILED: " + String.join(", ", failures));
        return ExitCode.FAILURE;
    }

    /** Creates the demo on first use, and again over a demo from before there was a branch office. */
    int ensureDemo(Path d) {
        if (Files.exists(d.resolve("ikeseal.yaml")) && Files.exists(d.resolve(SetupDemoCommand.BRANCH_YAML))) {
            return ExitCode.OK;
        }
        boolean old = Files.exists(d.resolve("ikeseal.yaml"));
        if (old) {
            ctx.out()
                    .println("ikeseal demo: " + d + " holds an older demo (no " + SetupDemoCommand.BRANCH_YAML
                            + "); creating it again");
        }
        int rc = old ? Main.run(ctx, "setup-demo", "--force", d.toString()) : Main.run(ctx, "setup-demo", d.toString());
        ctx.out().println();
        return rc;
    }

    private IkeSaInfo await(CompletableFuture<IkeSaInfo> sa, String who) throws InterruptedException {
        try {
            return sa.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            ctx.out().printf("%-11s FAILED for %s: %s%n", "IKE SA", who, Main.message(e.getCause()));
        } catch (TimeoutException e) {
            ctx.out().printf("%-11s FAILED: %s has no IKE SA after %d s%n", "IKE SA", who, WAIT.toSeconds());
        }
        failures.add("IKE SA");
        return null;
    }

    /** One side's view: the SA as IkeSaInfo has it, its CHILD_SAs, and its token operations from the audit log. */
    private void view(PrintWriter out, String role, IkeSaInfo sa, SaAuditTally tokens) {
        out.printf("%-11s %s%n", "IKE SA", sa.describe());
        out.printf("  %-9s %s, residency tier %s%n", "suite", sa.suite().describe(), SaLines.tier(sa));
        out.printf("  %-9s we: %s%n", "auth", sa.localAuth());
        out.printf("  %-9s peer: %s%n", "", sa.remoteAuth());
        for (ChildSaRecord child : sa.children()) {
            out.printf("  %-9s %s%n", "CHILD_SA", child.describe());
        }
        if (sa.children().isEmpty()) {
            out.printf("  %-9s NONE%n", "CHILD_SA");
            failures.add("CHILD_SA (" + role + ")");
        }
        out.printf(
                "  %-9s %s (%d records, %s in tokens%s)%n",
                "tokens",
                tokens.describe(),
                tokens.records(),
                SaLines.millis(tokens.micros()),
                tokens.failed() == 0 ? "" : ", " + tokens.failed() + " FAILED");
        if (tokens.records() == 0 || tokens.failed() > 0) {
            failures.add("token operations (" + role + ")");
        }
    }

    /** The responder hears of the Delete as it answers it, so its event may trail the initiator's close a little. */
    private String deletion(Side side) throws InterruptedException {
        try {
            return "deleted (" + side.deleted.get(DELETE_WAIT.toMillis(), TimeUnit.MILLISECONDS) + ")";
        } catch (ExecutionException | TimeoutException e) {
            failures.add("Delete");
            return "NOT DELETED";
        }
    }

    private void audit(PrintWriter out, IkesealConfig config) {
        AuditVerifier.Result audit = AuditVerifier.verify(config.audit().log());
        out.printf(
                "%-11s %s: %s%n",
                "audit",
                config.audit().log(),
                audit.ok() ? audit.reason() : "BROKEN at line " + audit.firstBadLine() + ": " + audit.reason());
        if (!audit.ok()) {
            failures.add("audit chain");
        }
    }

    /** A daemon's bound {@code address:port}s (IKE, NAT-T), as the other side's audit records name their peer. */
    private static Set<String> addresses(IkeDaemon daemon) {
        Set<String> out = new java.util.LinkedHashSet<>();
        daemon.transport().sockets().forEach(s -> out.add(IkeSaInfo.address(s.localAddress())));
        return out;
    }

    private static String hex(long spi) {
        return java.util.HexFormat.of().toHexDigits(spi);
    }

    private static void describe(PrintWriter out, Token t) {
        var caps = t.capabilities();
        boolean kx = t.spec().roles().contains(TokenRole.KEY_EXCHANGE);
        String serves = kx
                ? "tier " + t.tier().configName() + ", DH "
                        + caps.dhGroups().stream().map(DhGroup::proposalName).toList() + ", PRF "
                        + caps.sealedPrfs().stream().map(Prf::proposalName).toList()
                : "signs " + String.join(", ", caps.signatureMethods());
        out.printf(
                "%-11s %-10s %s '%s' (%s): %s%n",
                "token", t.name(), t.slot().model(), t.slot().label(), kx ? "key-exchange" : "identity", serves);
    }

    /** The summary says what happened; the daemons' INFO lines would repeat it (--debug shows them). */
    private static Level quietLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        if (before != null && before.isGreaterOrEqual(Level.INFO)) {
            root.setLevel(Level.WARN);
        }
        return before;
    }

    private static void restoreLogs(Level level) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
    }
}
