package io.ikeseal.agent.cli;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import io.ikeseal.agent.config.IdentityConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.PskConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.token.Mechanisms;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenCapabilities;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenRole;

/**
 * {@code ikeseal token probe}: opens every configured token as the daemon would (load, login, self-test) and
 * prints what each one is and which IKE transforms it serves, as a JSON array.
 */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Open every configured token as the daemon would (load the module, log in, run the sealed "
                    + "key-schedule self-test) and print, as JSON, what each token is and which IKE transforms it "
                    + "serves for its roles.",
            "Also looks up every configured identity (key and certificate) and pre-shared key name on its token.",
            "A token that cannot serve a role gets an \"error\" naming the missing mechanism (or the missing key); "
                    + "the exit code is then 1. Logins, self-tests and look-ups are written to the configured audit log."
        })
final class TokenProbeCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Internal marker: the opened token, removed before printing. */
    private static final String OPENED = "\0token";

    private final CliContext ctx;

    @Mixin
    ConfigOption config;

    TokenProbeCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        IkesealConfig cfg = config.load();
        List<Map<String, Object>> report = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (TokenSet session = new TokenSet(cfg)) {
            for (TokenConfig t : cfg.tokens()) {
                Map<String, Object> r = probe(session, t);
                if (r.remove(OPENED) instanceof Token token) {
                    checkObjects(cfg, token, r);
                }
                report.add(r);
                if (r.containsKey("error")) {
                    errors.add((String) r.get("error"));
                }
            }
        }
        ctx.out().println(JSON.writeValueAsString(report));
        ctx.out().flush();
        for (String e : errors) {
            ctx.err().println("ikeseal: " + e);
        }
        return errors.isEmpty() ? ExitCode.OK : ExitCode.FAILURE;
    }

    private static Map<String, Object> probe(TokenSet session, TokenConfig t) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", t.name());
        r.put("module", t.module().toString());
        try {
            Token token = session.open(t);
            describe(r, t, token.slot(), token.capabilities());
            r.put(OPENED, token);
        } catch (TokenException e) {
            // TokenStartup.open has applied the environment and initialized the module if it got that far.
            try {
                Pkcs11Module m = Pkcs11Module.load(t.module(), t.nssArgs());
                Pkcs11Module.SlotInfo slot =
                        m.slots().stream().filter(t.slot()::matches).findFirst().orElse(null);
                if (slot != null) {
                    TokenCapabilities caps = TokenCapabilities.from(m.mechanisms(slot.slotId()));
                    describe(r, t, slot, caps);
                    List<String> missing = new ArrayList<>();
                    for (TokenRole role : t.roles()) {
                        missing.addAll(caps.missingFor(role, t.tier()));
                    }
                    if (!missing.isEmpty()) {
                        r.put("missing", missing);
                    }
                }
            } catch (TokenException ignored) {
                // the error below says what went wrong
            }
            r.putIfAbsent("roles", roles(t));
            if (t.hasRole(TokenRole.KEY_EXCHANGE)) {
                r.putIfAbsent("tier", t.tier().configName());
            }
            r.put("error", e.getMessage());
        }
        return r;
    }

    /**
     * The configured identities (key, certificate) and PSK names on an opened token: each must be there, as the
     * daemon will need them. Problems become the token's error.
     */
    private static void checkObjects(IkesealConfig cfg, Token token, Map<String, Object> r) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> ids = new ArrayList<>();
        for (IdentityConfig id : cfg.identities()) {
            if (!id.token().equals(token.name())) {
                continue;
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", id.name());
            o.put("key", id.key());
            try {
                TokenIdentity ti = TokenIdentity.find(token, id.key());
                X509Certificate cert = ti.certificate();
                o.put("key-type", ti.keyType().name());
                o.put("subject", cert.getSubjectX500Principal().getName());
                o.put("issuer", cert.getIssuerX500Principal().getName());
                o.put("not-after", cert.getNotAfter().toInstant().toString());
                o.put(
                        "signature-schemes",
                        Arrays.stream(SignatureScheme.values())
                                .filter(s -> s.fits(ti.keyType()))
                                .map(SignatureScheme::name)
                                .toList());
            } catch (RuntimeException e) {
                o.put("error", Main.message(e));
                problems.add("identity '" + id.name() + "': " + Main.message(e));
            }
            ids.add(o);
        }
        if (!ids.isEmpty()) {
            r.put("identities", ids);
        }
        List<String> psks = cfg.psks().stream()
                .filter(p -> p.token().equals(token.name()))
                .map(PskConfig::name)
                .toList();
        if (!psks.isEmpty()) {
            List<String> present = Token.await(PresharedKeys.list(token));
            r.put("psks", psks);
            for (String p : psks) {
                if (!present.contains(p)) {
                    problems.add("pre-shared key '" + p + "' is not on the token (ikeseal token import-psk --name " + p
                            + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            r.put("error", "token '" + token.name() + "': " + String.join("; ", problems));
        }
    }

    private static void describe(
            Map<String, Object> r, TokenConfig t, Pkcs11Module.SlotInfo slot, TokenCapabilities caps) {
        r.put("slot", slot.slotId());
        r.put("label", slot.label());
        r.put("manufacturer", slot.manufacturer());
        r.put("model", slot.model());
        r.put("serial", slot.serial());
        r.put("roles", roles(t));
        if (t.hasRole(TokenRole.KEY_EXCHANGE)) {
            // the residency tier is a property of the key schedule, so only key-exchange tokens have one
            r.put("tier", t.tier().configName());
        }
        r.put("threads", t.threads());
        r.put("mechanisms", ikeMechanisms(caps));
        Map<String, Object> transforms = new LinkedHashMap<>();
        if (t.hasRole(TokenRole.KEY_EXCHANGE)) {
            transforms.put(
                    "dh-groups",
                    caps.dhGroups().stream().map(DhGroup::proposalName).toList());
            // compat: the token runs only DH; the host computes every PRF (docs/tokens.md, residency tiers)
            Set<Prf> prfs = t.tier() == ResidencyTier.SEALED ? caps.sealedPrfs() : EnumSet.allOf(Prf.class);
            transforms.put("prfs", prfs.stream().map(Prf::proposalName).toList());
        }
        if (t.hasRole(TokenRole.IDENTITY)) {
            transforms.put("signature-methods", List.copyOf(caps.signatureMethods()));
        }
        r.put("transforms", transforms);
    }

    /** The mechanisms the capability probe looks for (io.ikeseal.hsm.token.Mechanisms) that the token offers. */
    static List<String> ikeMechanisms(TokenCapabilities caps) {
        List<String> names = new ArrayList<>();
        for (Field f : Mechanisms.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == long.class) {
                try {
                    if (caps.offers(f.getLong(null))) {
                        names.add(f.getName());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }

    /** Config names of a token's roles, in a stable order. */
    static List<String> roles(TokenConfig t) {
        return t.roles().stream().map(TokenRole::configName).toList();
    }
}
