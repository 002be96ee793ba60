package io.ikeseal.agent.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.ikeseal.agent.control.ControlProtocol;

/** {@code ikeseal tokens}: the running daemon's tokens and audit log, through its control socket. */
@Command(
        name = "tokens",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Show the running daemon's tokens: health (ready, recovering, failed), last error, reopen count, live "
                    + "token objects, queued operations and the PIN state the token's flags reported at login; and "
                    + "whether the audit log takes records.",
            "Exits 1 when no daemon answers on the control socket."
        })
final class TokensCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    ControlOptions control;

    TokensCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        return ControlCall.run(ctx, control, "tokens", ControlProtocol.object(), ControlText::tokens);
    }
}
