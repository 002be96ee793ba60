package io.ikeseal.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;

/**
 * {@code ikeseal initiate CONN --config FILE}: a daemon for one connection attempt. Binds the configured listen
 * addresses and ports, initiates CONN, prints the IKE SA and its CHILD_SAs, then deletes the SA (INFORMATIONAL
 * Delete) and exits 0; exits 1 with the reason, e.g. the peer's error notification, when no IKE SA came about.
 */
@Command(
        name = "initiate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Establish one configured connection: IKE_SA_INIT and IKE_AUTH with its CHILD_SAs, print "
                    + "the SAs, delete them again and exit 0.",
            "Exits 1 with the reason (e.g. NO_PROPOSAL_CHOSEN or AUTHENTICATION_FAILED from the responder) when no IKE "
                    + "SA was established in time, or no CHILD_SA when the connection has children. Binds the configured listen addresses and IKE ports, so it cannot "
                    + "run beside an ikeseal run of the same configuration."
        })
final class InitiateCommand implements Callable<Integer> {
    private static final Duration CHILD_FAILURE_WAIT = Duration.ofSeconds(5);

    private final CliContext ctx;

    @Parameters(paramLabel = "CONN", description = "The connection's name (connections[].name).")
    String connection;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--timeout",
            defaultValue = "30s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to wait for the IKE SA, e.g. 30s or 500ms (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    InitiateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        IkesealConfig c = config.load();
        ConnectionConfig cc = c.connection(connection)
                .orElseThrow(() -> new UsageException("no connection '" + connection + "' in " + c.file()
                        + " (connections: " + String.join(", ", RunCommand.names(c)) + ")"));
        if (cc.remote() == null) {
            throw new UsageException("connection '" + connection + "' has remote-address any: it only responds");
        }
        PrintWriter out = ctx.out();
        CompletableFuture<String> childFailure = new CompletableFuture<>();
        SaEvents events = new SaEvents() {
            @Override
            public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
                childFailure.complete(child + ": " + reason);
            }

            @Override
            public void ikeSaDeleted(IkeSaInfo sa, String reason) {
                synchronized (out) {
                    out.println("deleted  " + SaLines.brief(sa) + ": " + reason);
                    out.flush();
                }
            }
        };
        try (TokenSet tokens = new TokenSet(c);
                IkeDaemon daemon =
                        IkeDaemon.start(c, tokens, IkeDaemon.Options.defaults().withEvents(events))) {
            IkeSaInfo sa;
            try {
                sa = daemon.initiate(connection).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                ctx.err().println("ikeseal: " + connection + ": no IKE SA: " + Main.message(e.getCause()));
                return ExitCode.FAILURE;
            } catch (TimeoutException e) {
                ctx.err().println("ikeseal: " + connection + ": no IKE SA within " + timeout.toMillis() + " ms");
                return ExitCode.FAILURE;
            }
            out.println("IKE_SA   " + sa.describe());
            out.println("         " + SaLines.details(sa));
            for (ChildSaRecord child : sa.children()) {
                out.println("CHILD_SA " + child.describe());
            }
            if (sa.children().isEmpty() && cc.children().isEmpty()) {
                out.println("CHILD_SA none configured");
            }
            if (sa.children().isEmpty() && !cc.children().isEmpty()) {
                // The connection asks for a CHILD_SA: an IKE SA alone is not what was configured. The initiator
                // reports the CHILD_SA's failure just after the IKE SA is established, so wait for it (bounded).
                String why;
                try {
                    why = childFailure.get(CHILD_FAILURE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    why = "(no reason reported)";
                }
                out.println("CHILD_SA failed " + why);
                out.flush();
                ctx.err().println("ikeseal: " + connection + ": IKE SA established, but no CHILD_SA");
                return ExitCode.FAILURE;
            }
            out.flush();
        }
        return ExitCode.OK;
    }
}
