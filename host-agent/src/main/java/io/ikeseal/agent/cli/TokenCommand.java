package io.ikeseal.agent.cli;

import picocli.CommandLine.Command;

/** {@code ikeseal token ...}: inspect tokens and manage what they hold. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Probe configured tokens and manage the pre-shared keys they hold.",
        subcommands = {TokenProbeCommand.class, ImportPskCommand.class, ListPsksCommand.class})
final class TokenCommand {}
