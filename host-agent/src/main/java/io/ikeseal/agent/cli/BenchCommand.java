package io.ikeseal.agent.cli;

import picocli.CommandLine.Command;

/** {@code ikeseal bench ...}: token throughput. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measure what the configured tokens sustain.",
        subcommands = {BenchTokenCommand.class})
final class BenchCommand {
}
