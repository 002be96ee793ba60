package io.ikeseal.agent.cli;

import picocli.CommandLine.Command;

/** {@code ikeseal bench ...}: token throughput, and whole handshakes between two daemons. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "Measure what the configured tokens sustain, whole IKE SA handshakes on loopback, and the memory SAs keep.",
        subcommands = {BenchTokenCommand.class, BenchHandshakeCommand.class, BenchSasCommand.class})
final class BenchCommand {}
