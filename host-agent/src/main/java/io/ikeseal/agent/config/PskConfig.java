package io.ikeseal.agent.config;

import java.util.regex.Pattern;

/**
 * One {@code psks[]} entry: the name of a pre-shared key stored in a key-exchange token
 * ({@code ikeseal token import-psk}). The value is never in the configuration.
 */
public record PskConfig(String name, String token) {
    /** As io.ikeseal.hsm.psk.PresharedKeys accepts. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@:+=-]{1,128}");

    static PskConfig from(YamlModel.Psk raw, ConfigSource src, String at) {
        if (raw == null) {
            throw src.error(at, "empty entry");
        }
        String name = src.requireText(at + ".name", raw.name());
        if (!NAME.matcher(name).matches()) {
            throw src.error(at + ".name", "must be 1..128 of A-Z a-z 0-9 . _ @ : + = -, was '" + name + "'");
        }
        return new PskConfig(name, src.requireText(at + ".token", raw.token()));
    }
}
