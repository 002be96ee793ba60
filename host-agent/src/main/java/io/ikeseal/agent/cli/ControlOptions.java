package io.ikeseal.agent.cli;

import java.nio.file.Path;
import java.time.Duration;

import picocli.CommandLine.Option;

import io.ikeseal.agent.config.ControlConfig;
import io.ikeseal.agent.config.IkesealConfig;

/** The options every verb on the control socket shares: where the socket is, JSON output, how long to wait. */
final class ControlOptions {
    @Option(
            names = "--socket",
            paramLabel = "PATH",
            description = "The daemon's control socket (default: control.socket of --config, else "
                    + "/run/ikeseal/control.sock).")
    Path socket;

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Read the control socket's path from this configuration.")
    Path config;

    @Option(
            names = "--json",
            description = "Print the daemon's answer as one JSON object (docs/operations-ctl.md) instead of text.")
    boolean json;

    @Option(
            names = "--timeout",
            defaultValue = "60s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to wait for the daemon's answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    Path socket() {
        if (socket != null) {
            return socket;
        }
        return config != null ? IkesealConfig.load(config).control().socket() : ControlConfig.DEFAULT_SOCKET;
    }
}
