package io.ikeseal.agent.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ikeseal terminate CONN | --ike SPI | --child SPI}: the running daemon deletes SAs (RFC 7296 §1.4.1). */
@Command(
        name = "terminate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Delete SAs in the running daemon with an INFORMATIONAL Delete: every established IKE SA of CONN, the "
                    + "IKE SA --ike SPI (waiting until it closed), or the CHILD_SA --child SPI.",
            "Exits 1 when there is no such SA or no daemon answers on the control socket."
        })
final class TerminateCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    SaSelectionOptions which;

    @Mixin
    ControlOptions control;

    TerminateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return ControlCall.run(
                ctx, control, "terminate", ControlCall.withTimeout(which.args(), control), ControlText::terminated);
    }
}
