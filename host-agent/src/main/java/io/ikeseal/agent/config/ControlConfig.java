package io.ikeseal.agent.config;

import java.nio.file.Path;

/**
 * The control section: where {@code ikeseal run} serves the control socket the CLI verbs talk to (issue 13 item 1;
 * docs/operations-ctl.md).
 *
 * @param socket the Unix domain socket; its directory is created 0700 when missing
 */
public record ControlConfig(Path socket) {
    /** Where the socket is when the configuration does not say. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/ikeseal/control.sock");

    public static ControlConfig defaults() {
        return new ControlConfig(DEFAULT_SOCKET);
    }

    static ControlConfig from(YamlModel.Control raw, ConfigSource src) {
        if (raw == null || raw.socket() == null) {
            return defaults();
        }
        Path socket = src.resolve(src.requireText("control.socket", raw.socket()));
        if (socket.getFileName() == null || socket.getParent() == null) {
            throw src.error("control.socket", "not a socket path: " + socket);
        }
        return new ControlConfig(socket);
    }
}
