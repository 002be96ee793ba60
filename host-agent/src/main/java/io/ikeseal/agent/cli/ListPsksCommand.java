package io.ikeseal.agent.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.PskConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;

/** {@code ikeseal token list-psks}: names (never values) of the PSKs in key-exchange tokens. */
@Command(
        name = "list-psks",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "List the names of the pre-shared keys stored in key-exchange tokens, one 'TOKEN<TAB>NAME' "
                    + "line each. Values are never shown.",
            "Exit code 1 when a PSK named under psks: in the configuration is missing from its token."
        })
final class ListPsksCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--token",
            paramLabel = "NAME",
            description = "Only this token (default: every sealed key-exchange token).")
    String token;

    ListPsksCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        IkesealConfig cfg = config.load();
        List<TokenConfig> tokens = token != null
                ? List.of(ConfigOption.token(cfg, token, TokenRole.KEY_EXCHANGE))
                : cfg.tokensWith(TokenRole.KEY_EXCHANGE).stream()
                        .filter(t -> t.tier() == ResidencyTier.SEALED)
                        .toList();
        int missing = 0;
        try (TokenSet session = new TokenSet(cfg)) {
            for (TokenConfig tc : tokens) {
                Token t = session.open(tc);
                List<String> names = Token.await(PresharedKeys.list(t));
                for (String n : names) {
                    ctx.out().println(t.name() + "\t" + n);
                }
                for (PskConfig p : cfg.psks()) {
                    if (p.token().equals(t.name()) && !names.contains(p.name())) {
                        ctx.err()
                                .println("ikeseal: configured pre-shared key '" + p.name() + "' is not on token '"
                                        + t.name() + "'; import it with: ikeseal token import-psk --config "
                                        + cfg.file()
                                        + " --token " + t.name() + " --name " + p.name());
                        missing++;
                    }
                }
            }
        }
        return missing == 0 ? ExitCode.OK : ExitCode.FAILURE;
    }
}
