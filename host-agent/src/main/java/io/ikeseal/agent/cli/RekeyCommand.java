package io.ikeseal.agent.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ikeseal rekey CONN | --ike SPI | --child SPI}: the running daemon rekeys SAs (RFC 7296 §1.3.3, §2.18). */
@Command(
        name = "rekey",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Rekey SAs in the running daemon with CREATE_CHILD_SA, make before break: every established IKE SA of "
                    + "CONN, the IKE SA --ike SPI (its CHILD_SAs move to the new one), or the CHILD_SA --child SPI. "
                    + "Prints the new SPIs.",
            "Exits 1 when there is no such SA, the peer refused, or no daemon answers on the control socket."
        })
final class RekeyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    SaSelectionOptions which;

    @Mixin
    ControlOptions control;

    RekeyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return ControlCall.run(
                ctx, control, "rekey", ControlCall.withTimeout(which.args(), control), ControlText::rekeyed);
    }
}
