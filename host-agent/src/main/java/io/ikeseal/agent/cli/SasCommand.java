package io.ikeseal.agent.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import io.ikeseal.agent.control.ControlProtocol;

/** {@code ikeseal sas [CONN]}: the running daemon's IKE and CHILD SAs, through its control socket. */
@Command(
        name = "sas",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "List the running daemon's IKE SAs and CHILD_SAs: connection, SPIs, peers, IDs, suite, residency tier, "
                    + "state, age, time to rekey, and per CHILD_SA the data plane's counters when it runs. Never a key.",
            "Exits 1 when no daemon answers on the control socket."
        })
final class SasCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Parameters(paramLabel = "CONN", arity = "0..1", description = "Only this connection's SAs.")
    String connection;

    @Mixin
    ControlOptions control;

    SasCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ObjectNode args = ControlProtocol.object();
        if (connection != null) {
            args.put("connection", connection);
        }
        return ControlCall.run(ctx, control, "sas", args, ControlText::sas);
    }
}
