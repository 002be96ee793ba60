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
        // sun_path holds 108 octets with its terminating NUL (unix(7)); longer paths fail only at bind time
        if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107) {
            throw src.error("control.socket", "longer than the 107 octets a Unix socket path may have: " + socket);
        }
        return new ControlConfig(socket);
    }
}
