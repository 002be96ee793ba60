package io.ikeseal.agent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.Pkcs11Uri;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;

/**
 * One validated {@code tokens[]} entry: a PKCS#11 module, which of its tokens, how to log in, what it is for.
 *
 * @param environment variables set before the module's C_Initialize, path values already resolved
 */
public record TokenConfig(
        String name,
        Path module,
        SlotSelector slot,
        PinSource pin,
        String nssArgs,
        Map<String, String> environment,
        Set<TokenRole> roles,
        ResidencyTier tier,
        int threads) {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern URI_PIN_VALUE = Pattern.compile("(?i)[?&]pin-value=");
    /** Variables whose value is always a path (relative to the config file); the first two must exist. */
    private static final Set<String> EXISTING_PATH_VARS = Set.of("SOFTHSM2_CONF", "PKCS11SPY");

    private static final Set<String> PATH_VARS = Set.of("PKCS11SPY_OUTPUT");
    public static final int MAX_THREADS = 256;
    private static final Set<Set<PosixFilePermission>> OWNER_ONLY = Set.of(
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
            EnumSet.of(PosixFilePermission.OWNER_READ));

    public TokenConfig {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        roles = Collections.unmodifiableSet(EnumSet.copyOf(roles));
    }

    /** The token layer's view of this entry, for {@code TokenStartup.open}. */
    public TokenSpec toTokenSpec() {
        return new TokenSpec(name, module, slot, pin, nssArgs, environment, roles, tier, threads);
    }

    public boolean hasRole(TokenRole role) {
        return roles.contains(role);
    }

    static TokenConfig from(YamlModel.Token raw, ConfigSource src, String at) {
        if (raw == null) {
            throw src.error(at, "empty entry");
        }
        String name = src.requireName(at + ".name", raw.name());
        Pkcs11Uri uri = raw.uri() == null ? null : parseTokenUri(raw.uri(), src, at + ".uri");
        Path module = module(raw, uri, src, at);
        SlotSelector slot = slot(raw, uri, src, at);
        PinSource pin = pin(raw, uri, src, at);
        String nssArgs = nssArgs(raw, src, at);
        Map<String, String> env = environment(raw.environment(), src, at + ".environment");
        Set<TokenRole> roles = roles(raw.roles(), src, at + ".roles");
        ResidencyTier tier = tier(raw.tier(), src, at + ".tier");
        if (tier == ResidencyTier.COMPAT && !roles.contains(TokenRole.KEY_EXCHANGE)) {
            throw src.error(
                    at + ".tier",
                    "compat applies only to the key-exchange role, and this token has roles " + names(roles));
        }
        int threads = raw.threads() == null ? 1 : raw.threads();
        if (threads < 1 || threads > MAX_THREADS) {
            throw src.error(at + ".threads", "must be 1.." + MAX_THREADS + ", was " + threads);
        }
        return new TokenConfig(name, module, slot, pin, nssArgs, env, roles, tier, threads);
    }

    private static Pkcs11Uri parseTokenUri(String text, ConfigSource src, String at) {
        // Checked before parsing: a parse error message quotes the URI, and this one would carry a PIN.
        if (URI_PIN_VALUE.matcher(text).find()) {
            throw src.error(
                    at, "pin-value is refused: a PIN does not belong in configuration; use pin-file or pin-env");
        }
        Pkcs11Uri uri;
        try {
            uri = Pkcs11Uri.parse(text);
        } catch (IllegalArgumentException e) {
            throw src.error(at, e.getMessage());
        }
        if (uri.object() != null || uri.id() != null || uri.type() != null) {
            throw src.error(
                    at,
                    "names an object (object=, id= or type=); a token's uri selects only the token, "
                            + "keys are chosen in identities[].key");
        }
        return uri;
    }

    private static Path module(YamlModel.Token raw, Pkcs11Uri uri, ConfigSource src, String at) {
        String fromUri = uri == null ? null : uri.modulePath();
        if (raw.module() == null && fromUri != null) {
            return src.existingFile(at + ".uri", fromUri);
        }
        Path module = src.existingFile(at + ".module", raw.module());
        if (fromUri != null && !src.resolve(fromUri).equals(module)) {
            throw src.error(at + ".uri", "module-path " + fromUri + " contradicts module " + module);
        }
        return module;
    }

    private static SlotSelector slot(YamlModel.Token raw, Pkcs11Uri uri, ConfigSource src, String at) {
        int given = (raw.token() != null ? 1 : 0) + (uri != null ? 1 : 0) + (raw.slotId() != null ? 1 : 0);
        if (given == 0) {
            throw src.error(at + ".token", "required: the token label (or instead uri or slot-id)");
        }
        if (given > 1) {
            throw src.error(at, "give exactly one of token, uri and slot-id");
        }
        if (raw.token() != null) {
            return SlotSelector.byLabel(src.requireText(at + ".token", raw.token()));
        }
        if (raw.slotId() != null) {
            if (raw.slotId() < 0) {
                throw src.error(at + ".slot-id", "must not be negative, was " + raw.slotId());
            }
            return SlotSelector.bySlotId(raw.slotId());
        }
        if (uri.token() == null
                && uri.serial() == null
                && uri.manufacturer() == null
                && uri.model() == null
                && uri.slotId() == null) {
            throw src.error(at + ".uri", "selects no token: give token=, serial=, manufacturer=, model= or slot-id=");
        }
        return SlotSelector.fromUri(uri);
    }

    private static PinSource pin(YamlModel.Token raw, Pkcs11Uri uri, ConfigSource src, String at) {
        String uriPin = uri == null ? null : uri.pinSource();
        boolean prompt = Boolean.TRUE.equals(raw.pinPrompt());
        int given = (raw.pinFile() != null ? 1 : 0)
                + (raw.pinEnv() != null ? 1 : 0)
                + (uriPin != null ? 1 : 0)
                + (raw.pinCredential() != null ? 1 : 0)
                + (prompt ? 1 : 0);
        if (given > 1) {
            throw src.error(
                    at, "give at most one of pin-file, pin-env, pin-credential, pin-prompt and the uri's pin-source");
        }
        if (raw.pinCredential() != null) {
            try {
                return PinSource.credential(raw.pinCredential());
            } catch (IllegalArgumentException e) {
                throw src.error(
                        at + ".pin-credential",
                        "not a systemd credential name (no '/', not '.' or '..'): '" + raw.pinCredential() + "'");
            }
        }
        if (prompt) {
            return PinSource.prompt(raw.name());
        }
        if (raw.pinFile() != null) {
            return PinSource.file(pinFile(src, at + ".pin-file", raw.pinFile()));
        }
        if (uriPin != null) {
            String path = uriPin.startsWith("file:") ? uriPin.substring(5) : uriPin;
            if (path.contains(":") && !path.startsWith("/")) {
                throw src.error(at + ".uri", "pin-source must be a file (file:PATH), was '" + uriPin + "'");
            }
            return PinSource.file(pinFile(src, at + ".uri", path));
        }
        if (raw.pinEnv() != null) {
            if (!ENV_NAME.matcher(raw.pinEnv()).matches()) {
                throw src.error(at + ".pin-env", "not an environment variable name: '" + raw.pinEnv() + "'");
            }
            return PinSource.env(raw.pinEnv());
        }
        return PinSource.none();
    }

    /** A PIN file must exist and be the owner's alone: mode 0600 or 0400, as the README promises. */
    private static Path pinFile(ConfigSource src, String at, String path) {
        Path p = src.existingFile(at, path);
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(p);
        } catch (UnsupportedOperationException | IOException e) {
            return p; // not a POSIX file system: nothing to check
        }
        if (!OWNER_ONLY.contains(perms)) {
            throw src.error(
                    at,
                    "PIN file " + p + " has mode " + PosixFilePermissions.toString(perms)
                            + ", must be rw------- or r-------- (0600 or 0400); chmod 600 it");
        }
        return p;
    }

    private static String nssArgs(YamlModel.Token raw, ConfigSource src, String at) {
        if (raw.nssArgs() != null && raw.nssDb() != null) {
            throw src.error(at, "give at most one of nss-args and nss-db");
        }
        if (raw.nssDb() != null) {
            Path db = src.existingDirectory(at + ".nss-db", raw.nssDb());
            if (db.toString().contains("'") || db.toString().contains("\"")) {
                throw src.error(at + ".nss-db", "an NSS database path must not contain quotes: " + db);
            }
            return "configdir='sql:" + db + "' certPrefix='' keyPrefix='' secmod='secmod.db' flags='optimizeSpace'";
        }
        String args = raw.nssArgs();
        if (args != null && (args.isBlank() || args.contains("\"") || args.contains("\n"))) {
            throw src.error(at + ".nss-args", "must be a non-empty single line without double quotes");
        }
        return args;
    }

    private static Map<String, String> environment(Map<String, String> raw, ConfigSource src, String at) {
        Map<String, String> env = new LinkedHashMap<>();
        if (raw == null) {
            return env;
        }
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey();
            String here = at + "." + key;
            if (!ENV_NAME.matcher(key).matches()) {
                throw src.error(here, "not an environment variable name");
            }
            String value = e.getValue();
            if (value == null) {
                throw src.error(here, "needs a value");
            }
            if (EXISTING_PATH_VARS.contains(key)) {
                value = src.existingFile(here, value).toString();
            } else if (PATH_VARS.contains(key) || value.startsWith("./") || value.startsWith("../")) {
                value = src.resolve(value).toString();
            }
            env.put(key, value);
        }
        return env;
    }

    private static Set<TokenRole> roles(List<String> raw, ConfigSource src, String at) {
        if (raw == null || raw.isEmpty()) {
            throw src.error(at, "required: at least one of identity, key-exchange");
        }
        Set<TokenRole> roles = EnumSet.noneOf(TokenRole.class);
        for (int i = 0; i < raw.size(); i++) {
            String r = raw.get(i);
            TokenRole role = null;
            for (TokenRole t : TokenRole.values()) {
                if (t.configName().equals(r)) {
                    role = t;
                }
            }
            if (role == null) {
                throw src.error(ConfigSource.index(at, i), "must be identity or key-exchange, was '" + r + "'");
            }
            if (!roles.add(role)) {
                throw src.error(ConfigSource.index(at, i), "duplicate role " + r);
            }
        }
        return roles;
    }

    private static ResidencyTier tier(String raw, ConfigSource src, String at) {
        if (raw == null) {
            return ResidencyTier.SEALED;
        }
        for (ResidencyTier t : ResidencyTier.values()) {
            if (t.configName().equals(raw)) {
                return t;
            }
        }
        throw src.error(at, "must be sealed or compat, was '" + raw + "'");
    }

    static List<String> names(Set<TokenRole> roles) {
        return roles.stream().map(TokenRole::configName).toList();
    }
}
