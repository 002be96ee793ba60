package io.ikeseal.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.control.ControlClient;
import io.ikeseal.agent.control.ControlProtocol;
import io.ikeseal.agent.control.SaJson;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.SaEvents;

/**
 * {@code ikeseal initiate CONN --config FILE}: when a daemon answers on the control socket, it initiates CONN and
 * keeps the SA up (docs/operations-ctl.md). Otherwise a daemon for one connection attempt. Binds the configured listen
 * addresses and ports, initiates CONN, prints the IKE SA and its CHILD_SAs, then deletes the SA (INFORMATIONAL
 * Delete) and exits 0; exits 1 with the reason, e.g. the peer's error notification, when no IKE SA came about.
 */
@Command(
        name = "initiate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "When an ikeseal run answers on the control socket (--socket, else control.socket of the "
                    + "configuration), it initiates the connection and keeps it up; this prints the SAs.",
            "Otherwise, one-shot: establish one configured connection: IKE_SA_INIT and IKE_AUTH with its CHILD_SAs, "
                    + "print the SAs, delete them again and exit 0.",
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

    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "The running daemon's control socket (default: control.socket of the configuration).")
    Path socket;

    @Option(names = "--json", description = "Print the outcome as one JSON object (docs/operations-ctl.md).")
    boolean json;

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
        SocketChannel daemonChannel;
        try {
            daemonChannel =
                    ControlClient.connect(socket != null ? socket : c.control().socket());
        } catch (ControlClient.NoDaemonException none) {
            daemonChannel = null; // no daemon there: one-shot, as before there was a control socket
        }
        if (daemonChannel != null) {
            return viaDaemon(daemonChannel);
        }
        return oneShot(c, cc);
    }

    /** The running daemon initiates; the SA stays up. */
    private int viaDaemon(SocketChannel channel) {
        ObjectNode args = ControlProtocol.object();
        args.put("connection", connection);
        args.put("timeout-ms", timeout.toMillis());
        JsonNode answer;
        try {
            answer = ControlClient.call(channel, "initiate", args, timeout.plusSeconds(5));
        } catch (IOException e) {
            ctx.err().println("ikeseal: " + Main.message(e));
            return ExitCode.FAILURE;
        }
        int rc = ControlCall.print(ctx, json, answer, (result, out) -> {
            ControlText.ikeSa(result.path("ike-sa"), out);
            for (JsonNode child : result.path("ike-sa").path("child-sas")) {
                ControlText.childSa(connection, child, out);
            }
        });
        if (rc == ExitCode.OK && answer.path("result").path("child-sa-missing").asBoolean()) {
            ctx.err().println("ikeseal: " + connection + ": IKE SA established, but no CHILD_SA");
            return ExitCode.FAILURE;
        }
        return rc;
    }

    private int oneShot(IkesealConfig c, ConnectionConfig cc) throws Exception {
        PrintWriter out = ctx.out();
        CompletableFuture<String> childFailure = new CompletableFuture<>();
        SaEvents events = new SaEvents() {
            @Override
            public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
                childFailure.complete(child + ": " + reason);
            }

            @Override
            public void ikeSaDeleted(IkeSaInfo sa, String reason) {
                if (json) {
                    return; // stdout holds the one JSON object
                }
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
            if (json) { // one object, as the daemon's answer: scripts read both the same way
                ObjectNode result = ControlProtocol.object();
                result.set("ike-sa", SaJson.established(sa, Instant.now()));
                result.put(
                        "child-sa-missing",
                        sa.children().isEmpty() && !cc.children().isEmpty());
                result.put("one-shot", true);
                ObjectNode answer = ControlProtocol.object();
                answer.put("version", ControlProtocol.VERSION);
                answer.put("ok", true);
                answer.set("result", result);
                out.println(answer);
            } else {
                out.println("IKE_SA   " + sa.describe());
                out.println("         " + SaLines.details(sa));
                for (ChildSaRecord child : sa.children()) {
                    out.println("CHILD_SA " + child.describe());
                }
            }
            if (sa.children().isEmpty() && cc.children().isEmpty() && !json) {
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
