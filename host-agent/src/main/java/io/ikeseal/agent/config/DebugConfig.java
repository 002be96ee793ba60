package io.ikeseal.agent.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code debug} section: aids that weaken the gateway, each off unless set.
 *
 * @param wiresharkKeys a directory (existing) where the daemon keeps Wireshark's {@code ikev2_decryption_table} and
 *                      {@code esp_sa} files with the keys of its live SAs that the residency tier keeps on the host
 *                      (docs/operations-wire.md); empty: off
 */
public record DebugConfig(Optional<Path> wiresharkKeys) {
    public static final DebugConfig OFF = new DebugConfig(Optional.empty());

    static DebugConfig from(YamlModel.Debug raw, ConfigSource src) {
        if (raw == null || raw.wiresharkKeys() == null) {
            return OFF;
        }
        return new DebugConfig(Optional.of(src.existingDirectory("debug.wireshark-keys", raw.wiresharkKeys())));
    }
}
