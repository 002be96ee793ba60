package io.ikeseal.agent.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.TokenRole;

/**
 * The daemon's configuration, validated: nothing in it refers to a missing file, an unknown token, identity or
 * PSK, or a role a token does not have. Sections: the token layer (audit log, tokens, identities, PSK names), the
 * listen addresses, IKE settings, trust anchors and connections, each with its own config class and validation.
 *
 * @param file the configuration file (absolute); relative paths in it were resolved against its directory
 * @param observability the metrics endpoint and the log format (docs/operations-obs.md)
 */
public record IkesealConfig(
        Path file,
        AuditConfig audit,
        List<TokenConfig> tokens,
        List<IdentityConfig> identities,
        List<PskConfig> psks,
        List<InetAddress> listen,
        IkeSettingsConfig ike,
        List<Path> trust,
        List<ConnectionConfig> connections,
        DataPlaneConfig dataPlane,
        Observability observability,
        ControlConfig control,
        DebugConfig debug) {

    /**
     * What operators watch the daemon with.
     *
     * @param metrics   the Prometheus endpoint, or null for none
     * @param logFormat how {@code ikeseal run} writes its lines
     */
    public record Observability(MetricsConfig metrics, LogFormat logFormat) {
        public static final Observability DEFAULT = new Observability(null, LogFormat.TEXT);
    }

    public IkesealConfig {
        tokens = List.copyOf(tokens);
        identities = List.copyOf(identities);
        psks = List.copyOf(psks);
        listen = List.copyOf(listen);
        trust = List.copyOf(trust);
        connections = List.copyOf(connections);
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
                throw src.error(
                        at + ".token",
                        "token '" + t.name() + "' runs at tier compat; pre-shared keys need "
                                + "the sealed tier (the token computes prf(PSK, ...) with CKM_HKDF_DERIVE)");
            }
            psks.add(psk);
        }
        IkeSettingsConfig ike = IkeSettingsConfig.from(root.ike(), src);
        List<Path> trust = new ArrayList<>();
        List<String> rawTrust = root.trust() == null ? List.of() : root.trust();
        for (int i = 0; i < rawTrust.size(); i++) {
            String at = ConfigSource.index("trust", i);
            trust.add(TrustFiles.certificates(src, at, src.existingFile(at, rawTrust.get(i))));
        }
        List<ConnectionConfig> connections = connections(root.connections(), src, tokens, identities, psks, trust, ike);
        List<InetAddress> listen = listen(root.listen(), connections, src);
        DataPlaneConfig dataPlane = DataPlaneConfig.from(root.dataPlane(), src);
        DebugConfig debug = DebugConfig.from(root.debug(), src);
        Observability observability =
                new Observability(MetricsConfig.from(root.metrics(), src), LogFormat.from(root.logging(), src));
        ControlConfig control = ControlConfig.from(root.control(), src);
        return new IkesealConfig(
                src.file(),
                audit,
                tokens,
                identities,
                psks,
                listen,
                ike,
                trust,
                connections,
                dataPlane,
                observability,
                control,
                debug);
    }

    private static List<ConnectionConfig> connections(
            List<YamlModel.Connection> raw,
            ConfigSource src,
            List<TokenConfig> tokens,
            List<IdentityConfig> identities,
            List<PskConfig> psks,
            List<Path> trust,
            IkeSettingsConfig ike) {
        List<ConnectionConfig> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<YamlModel.Connection> list = raw == null ? List.of() : raw;
        for (int i = 0; i < list.size(); i++) {
            String at = ConfigSource.index("connections", i);
            ConnectionConfig c = ConnectionConfig.from(list.get(i), src, at);
            unique(seen, c.name(), i, src, at + ".name", "connections");
            if (c.identity() != null
                    && identities.stream().noneMatch(id -> id.name().equals(c.identity()))) {
                throw src.error(
                        at + ".identity",
                        "unknown identity '" + c.identity() + "' (identities: "
                                + String.join(
                                        ", ",
                                        identities.stream()
                                                .map(IdentityConfig::name)
                                                .toList()) + ")");
            }
            if (c.psk() != null && psks.stream().noneMatch(p -> p.name().equals(c.psk()))) {
                throw src.error(
                        at + ".psk",
                        "unknown psk '" + c.psk() + "' (psks: "
                                + String.join(
                                        ", ", psks.stream().map(PskConfig::name).toList()) + ")");
            }
            if (c.remoteAuth() == ConnectionConfig.AuthKind.PUBKEY && trust.isEmpty()) {
                throw src.error(at + ".remote-auth", "pubkey needs trust: (CA certificates that certify peers)");
            }
            out.add(c);
        }
        if (!out.isEmpty()) {
            for (int i = 0; i < tokens.size(); i++) {
                TokenConfig t = tokens.get(i);
                if (t.hasRole(TokenRole.KEY_EXCHANGE)
                        && t.tier() == ResidencyTier.COMPAT
                        && ike.requiredTier() == ResidencyTier.SEALED) {
                    throw src.error(
                            ConfigSource.index("tokens", i) + ".tier",
                            "compat, but IKE SAs must be sealed; "
                                    + "set ike.require-tier: compat to accept a host-side key schedule");
                }
            }
        }
        return out;
    }

    /** Listen addresses: as written, or every connection's local address. */
    private static List<InetAddress> listen(List<String> raw, List<ConnectionConfig> connections, ConfigSource src) {
        List<InetAddress> out = new ArrayList<>();
        if (raw != null) {
            if (raw.isEmpty()) {
                throw src.error("listen", "must name at least one address (or leave listen out)");
            }
            for (int i = 0; i < raw.size(); i++) {
                InetAddress a = Addresses.literal(src, ConfigSource.index("listen", i), raw.get(i));
                if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                    throw src.error(
                            ConfigSource.index("listen", i),
                            a.getHostAddress() + ": listen on specific "
                                    + "unicast addresses, so replies leave from the address their request arrived on");
                }
                if (out.contains(a)) {
                    throw src.error(ConfigSource.index("listen", i), "duplicate address " + a.getHostAddress());
                }
                out.add(a);
            }
            for (int i = 0; i < connections.size(); i++) {
                if (!out.contains(connections.get(i).localAddress())) {
                    throw src.error(
                            ConfigSource.index("connections", i) + ".local-address",
                            connections.get(i).localAddress().getHostAddress() + " is not among the listen addresses");
                }
            }
            return out;
        }
        for (ConnectionConfig c : connections) {
            if (!out.contains(c.localAddress())) {
                out.add(c.localAddress());
            }
        }
        return out;
    }

    /** The same configuration auditing to another log (e.g. a benchmark's throw-away one). */
    public IkesealConfig withAudit(AuditConfig other) {
        return new IkesealConfig(
                file,
                other,
                tokens,
                identities,
                psks,
                listen,
                ike,
                trust,
                connections,
                dataPlane,
                observability,
                control,
                debug);
    }

    /** The same configuration with other connections (tests and benchmarks adjust ports or timers). */
    public IkesealConfig withConnections(List<ConnectionConfig> other) {
        return new IkesealConfig(
                file,
                audit,
                tokens,
                identities,
                psks,
                listen,
                ike,
                trust,
                other,
                dataPlane,
                observability,
                control,
                debug);
    }

    public Optional<ConnectionConfig> connection(String name) {
        return connections.stream().filter(c -> c.name().equals(name)).findFirst();
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
                if (other.module().equals(t.module())
                        && (!Objects.equals(other.nssArgs(), t.nssArgs())
                                || !other.environment().equals(t.environment()))) {
                    throw src.error(
                            at + ".module",
                            "same module as tokens[" + j + "] but different nss-args or "
                                    + "environment; a module is initialized once per process, so use a copy of the library");
                }
            }
            tokens.add(t);
        }
        if (tokens.stream().noneMatch(t -> t.hasRole(TokenRole.KEY_EXCHANGE))) {
            throw src.error(
                    "tokens",
                    "no token has role key-exchange; one is needed for Diffie-Hellman and the " + "key schedule");
        }
        return tokens;
    }

    private static void unique(
            Map<String, Integer> seen, String name, int i, ConfigSource src, String at, String list) {
        Integer first = seen.putIfAbsent(name, i);
        if (first != null) {
            throw src.error(at, "duplicate name '" + name + "' (also " + list + "[" + first + "])");
        }
    }

    private static TokenConfig requireRole(
            List<TokenConfig> tokens, String name, TokenRole role, ConfigSource src, String at) {
        TokenConfig t = tokens.stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow(() -> src.error(
                        at,
                        "unknown token '" + name + "' (tokens: "
                                + String.join(
                                        ", ",
                                        tokens.stream().map(TokenConfig::name).toList()) + ")"));
        if (!t.hasRole(role)) {
            throw src.error(
                    at,
                    "token '" + name + "' does not have role " + role.configName() + " (its roles: "
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
