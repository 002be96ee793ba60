package io.ikeseal.agent.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.ikeseal.agent.control.ControlProtocol;

/** {@code ikeseal reload}: the running daemon reads its configuration file again. */
@Command(
        name = "reload",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Make the running daemon read its configuration file again: connections and trust anchors added, changed "
                    + "or removed; SAs of unchanged connections are not touched. Prints what changed.",
            "Exits 2 with the file's problem when it cannot be applied (nothing changed), 1 when no daemon answers "
                    + "on the control socket."
        })
final class ReloadCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    ControlOptions control;

    ReloadCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return ControlCall.run(ctx, control, "reload", ControlProtocol.object(), ControlText::reloaded);
    }
}
