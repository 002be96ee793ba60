package io.ikeseal.agent.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.ikeseal.hsm.token.ResidencyTier;
import io.ikeseal.hsm.token.TokenRole;

/**
 * The daemon's configuration, validated: nothing in it refers to a missing file, an unknown token or a role a
 * token does not have. For now the token layer (audit log, tokens, identities, PSK names); connections and
 * listen addresses join as further sections, each with its own config class and validation.
 *
 * @param file the configuration file (absolute); relative paths in it were resolved against its directory
 */
public record IkesealConfig(Path file, AuditConfig audit, List<TokenConfig> tokens, List<IdentityConfig> identities,
                            List<PskConfig> psks) {

    public IkesealConfig {
        tokens = List.copyOf(tokens);
        identities = List.copyOf(identities);
        psks = List.copyOf(psks);
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws ConfigException naming the file, the key path and the problem (the first one found)
     */
    public static IkesealConfig load(Path file) {
        ConfigSource src = new ConfigSource(file);
        YamlModel.Root root = YamlLoader.read(src);
        AuditConfig audit = AuditConfig.from(root.audit(), src);
        List<TokenConfig> tokens = tokens(root.tokens(), src);
        List<IdentityConfig> identities = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<YamlModel.Identity> rawIds = root.identities() == null ? List.of() : root.identities();
        for (int i = 0; i < rawIds.size(); i++) {
            String at = ConfigSource.index("identities", i);
            IdentityConfig id = IdentityConfig.from(rawIds.get(i), src, at);
            unique(seen, id.name(), i, src, at + ".name", "identities");
            requireRole(tokens, id.token(), TokenRole.IDENTITY, src, at + ".token");
            identities.add(id);
        }
        List<PskConfig> psks = new ArrayList<>();
        seen.clear();
        List<YamlModel.Psk> rawPsks = root.psks() == null ? List.of() : root.psks();
        for (int i = 0; i < rawPsks.size(); i++) {
            String at = ConfigSource.index("psks", i);
            PskConfig psk = PskConfig.from(rawPsks.get(i), src, at);
            unique(seen, psk.name(), i, src, at + ".name", "psks");
            TokenConfig t = requireRole(tokens, psk.token(), TokenRole.KEY_EXCHANGE, src, at + ".token");
            if (t.tier() != ResidencyTier.SEALED) {
                throw src.error(at + ".token", "token '" + t.name() + "' runs at tier compat; pre-shared keys need "
                        + "the sealed tier (the token computes prf(PSK, ...) with CKM_HKDF_DERIVE)");
            }
            psks.add(psk);
        }
        return new IkesealConfig(src.file(), audit, tokens, identities, psks);
    }

    private static List<TokenConfig> tokens(List<YamlModel.Token> raw, ConfigSource src) {
        if (raw == null || raw.isEmpty()) {
            throw src.error("tokens", "required: at least one token with role key-exchange");
        }
        List<TokenConfig> tokens = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < raw.size(); i++) {
            String at = ConfigSource.index("tokens", i);
            TokenConfig t = TokenConfig.from(raw.get(i), src, at);
            unique(seen, t.name(), i, src, at + ".name", "tokens");
            for (int j = 0; j < tokens.size(); j++) {
                TokenConfig other = tokens.get(j);
                // A PKCS#11 module is initialized once per process: the first C_Initialize's arguments win.
                if (other.module().equals(t.module()) && (!Objects.equals(other.nssArgs(), t.nssArgs())
                        || !other.environment().equals(t.environment()))) {
                    throw src.error(at + ".module", "same module as tokens[" + j + "] but different nss-args or "
                            + "environment; a module is initialized once per process, so use a copy of the library");
                }
            }
            tokens.add(t);
        }
        if (tokens.stream().noneMatch(t -> t.hasRole(TokenRole.KEY_EXCHANGE))) {
            throw src.error("tokens", "no token has role key-exchange; one is needed for Diffie-Hellman and the "
                    + "key schedule");
        }
        return tokens;
    }

    private static void unique(Map<String, Integer> seen, String name, int i, ConfigSource src, String at,
                               String list) {
        Integer first = seen.putIfAbsent(name, i);
        if (first != null) {
            throw src.error(at, "duplicate name '" + name + "' (also " + list + "[" + first + "])");
        }
    }

    private static TokenConfig requireRole(List<TokenConfig> tokens, String name, TokenRole role, ConfigSource src,
                                           String at) {
        TokenConfig t = tokens.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> src.error(at,
                "unknown token '" + name + "' (tokens: " + String.join(", ", tokens.stream().map(TokenConfig::name)
                        .toList()) + ")"));
        if (!t.hasRole(role)) {
            throw src.error(at, "token '" + name + "' does not have role " + role.configName() + " (its roles: "
                    + String.join(", ", TokenConfig.names(t.roles())) + ")");
        }
        return t;
    }

    public Optional<TokenConfig> token(String name) {
        return tokens.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public List<TokenConfig> tokensWith(TokenRole role) {
        return tokens.stream().filter(t -> t.hasRole(role)).toList();
    }
}
