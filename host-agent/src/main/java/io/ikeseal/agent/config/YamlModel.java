package io.ikeseal.agent.config;

import java.util.List;
import java.util.Map;

/**
 * The configuration file's shape exactly as written, before validation: every field may be missing (null).
 * Jackson binds YAML onto these records with kebab-case keys ({@code pinFile} is {@code pin-file}) and rejects
 * unknown keys. Later sections (connections, listen addresses) are added here as further components, and
 * validated into {@link IkesealConfig} by their own config classes.
 */
final class YamlModel {
    private YamlModel() {
    }

    record Root(Audit audit, List<Token> tokens, List<Identity> identities, List<Psk> psks) {
    }

    record Audit(String log) {
    }

    record Token(String name, String module, String token, String uri, Long slotId, String pinFile, String pinEnv,
                 String nssArgs, String nssDb, Map<String, String> environment, List<String> roles, String tier,
                 Integer threads) {
    }

    record Identity(String name, String token, String key) {
    }

    record Psk(String name, String token) {
    }
}
