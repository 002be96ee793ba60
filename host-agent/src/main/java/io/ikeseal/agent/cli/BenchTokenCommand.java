package io.ikeseal.agent.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ikeseal bench token}: placeholder until the kx and sign packages land. */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Measure key exchanges and signatures per second on each configured token.")
final class BenchTokenCommand implements Callable<Integer> {
    private final CliContext ctx;
    @Mixin
    ConfigOption config;
    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S", description = "Time per measurement (default 3).")
    double seconds;
    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    BenchTokenCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        throw new UsageException("bench token is not available yet");
    }
}
