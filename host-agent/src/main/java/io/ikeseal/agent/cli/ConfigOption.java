package io.ikeseal.agent.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.hsm.token.TokenRole;

/** The {@code --config FILE} option shared by commands that read the daemon's configuration. */
final class ConfigOption {
    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "The ikeseal YAML configuration (e.g. /etc/ikeseal/ikeseal.yaml).")
    Path file;

    IkesealConfig load() {
        return IkesealConfig.load(file);
    }

    /** The named token, which must have {@code role}. */
    static TokenConfig token(IkesealConfig config, String name, TokenRole role) {
        TokenConfig t = config.token(name)
                .orElseThrow(() -> new UsageException("no token '" + name + "' in "
                        + config.file() + " (tokens: "
                        + String.join(
                                ", ",
                                config.tokens().stream().map(TokenConfig::name).toList()) + ")"));
        if (!t.hasRole(role)) {
            throw new UsageException("token '" + name + "' does not have role " + role.configName());
        }
        return t;
    }
}
