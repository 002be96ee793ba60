package io.ikeseal.hsm.token;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * The token-level half of bringing a token up: load its module (with the environment it reads at C_Initialize),
 * choose the slot, check it can serve its roles and log in once. What the layers above prove on the logged-in
 * token (the key-exchange self-tests of hsm.kx and hsm.schedule) runs between {@link #open} and {@link #ready};
 * hsm.startup puts the two together. Each step that touches the token is audited, failures included.
 */
public final class TokenLogin {
    private static final Logger LOG = LoggerFactory.getLogger(Token.class);
    /**
     * Held while a module is initialized (at start, and again by {@link LoadedModule#reinitialize}): the environment
     * C_Initialize reads (SOFTHSM2_CONF) is process-wide, so setenv and C_Initialize must not interleave with another
     * token's.
     */
    static final Object INIT_LOCK = new Object();

    private final TokenSpec spec;
    private final Pkcs11Module.SlotInfo slot;
    private final TokenCapabilities capabilities;
    private final Provider provider;
    private final KeyStore keyStore;
    private final AuditSink audit;
    private boolean handedOut;

    private TokenLogin(
            TokenSpec spec,
            Pkcs11Module.SlotInfo slot,
            TokenCapabilities capabilities,
            Provider provider,
            KeyStore keyStore,
            AuditSink audit) {
        this.spec = spec;
        this.slot = slot;
        this.capabilities = capabilities;
        this.provider = provider;
        this.keyStore = keyStore;
        this.audit = audit;
    }

    /**
     * Loads the module, chooses the slot, checks the token can serve its roles, logs in once and writes a
     * "login" audit record. A wrong PIN is reported, never retried: smartcards lock after a few failures.
     */
    public static TokenLogin open(TokenSpec spec, AuditSink audit) {
        Pkcs11Module module;
        synchronized (INIT_LOCK) {
            spec.environment().forEach(NativeEnvironment::set);
            module = Pkcs11Module.load(spec.library(), spec.nssArgs());
        }
        Pkcs11Module.SlotInfo slot = chooseSlot(spec, module);
        TokenCapabilities caps = TokenCapabilities.from(module.mechanisms(slot.slotId()));
        for (TokenRole role : spec.roles()) {
            List<String> missing = caps.missingFor(role, spec.tier());
            if (!missing.isEmpty()) {
                throw new TokenException("token '" + spec.name() + "' cannot serve role " + role.configName()
                        + (role == TokenRole.KEY_EXCHANGE
                                ? " at tier " + spec.tier().configName()
                                : "")
                        + ": missing " + String.join(", ", missing)
                        + (role == TokenRole.KEY_EXCHANGE && spec.tier() == ResidencyTier.SEALED
                                ? " (use an HKDF-capable token, or set tier: compat explicitly)"
                                : ""));
            }
        }
        long t0 = System.nanoTime();
        Instant start = Instant.now();
        try {
            LoginRules.refuseUnsafe(spec.name(), slot);
        } catch (PinRefusedException e) {
            record(audit, spec.name(), start, "login", "C_Login", e.ckr(), t0);
            throw e;
        }
        Provider provider =
                Security.getProvider("SunPKCS11").configure(sunPkcs11Config(spec, spec.library(), slot.slotId()));
        KeyStore ks;
        try {
            ks = login(spec, provider, slot);
        } catch (TokenException e) {
            record(audit, spec.name(), start, "login", "C_Login", e.ckr() != null ? e.ckr() : "failed", t0);
            throw e;
        }
        record(audit, spec.name(), start, "login", "C_Login", "ok", t0);
        return new TokenLogin(spec, slot, caps, provider, ks, audit);
    }

    public TokenSpec spec() {
        return spec;
    }

    /** What the mechanism list says the token can do; start-up self-tests may narrow it before {@link #ready}. */
    public TokenCapabilities capabilities() {
        return capabilities;
    }

    /** The SunPKCS11 provider bound to the slot, for start-up self-tests only. */
    public Provider provider() {
        return provider;
    }

    /** Writes and waits for the audit record of one start-up step ({@code t0} from {@link System#nanoTime}). */
    public void record(Instant start, String op, String mech, String result, long t0) {
        record(audit, spec.name(), start, op, mech, result, t0);
    }

    /**
     * The token, ready for calls, with the capabilities its start-up self-tests proved. A COMPAT key-exchange
     * token is logged and audited as such here, since its g^ir leaves the token. Once only: a second Token would
     * share the provider but not the executor that bounds calls to the token.
     */
    public synchronized Token ready(TokenCapabilities proven) {
        if (handedOut) {
            throw new IllegalStateException("token '" + spec.name() + "' was already handed out");
        }
        handedOut = true;
        Token token = new Token(spec, slot, proven, provider, keyStore, audit);
        if (spec.roles().contains(TokenRole.KEY_EXCHANGE) && spec.tier() == ResidencyTier.COMPAT) {
            LOG.warn(
                    "token '{}' runs the key schedule in COMPAT tier: g^ir leaves the token and SKEYSEED/SK_d "
                            + "are computed on the host",
                    spec.name());
            record(audit, spec.name(), Instant.now(), "tier-compat", "-", "ok", System.nanoTime());
        }
        LOG.info(
                "token '{}' ready: slot {} label '{}', roles {}{}, {} thread(s)",
                spec.name(),
                slot.slotId(),
                slot.label(),
                spec.roles().stream().map(TokenRole::configName).sorted().toList(),
                spec.roles().contains(TokenRole.KEY_EXCHANGE)
                        ? ", tier " + token.tier().configName()
                        : "",
                spec.threads());
        return token;
    }

    @Override
    public String toString() {
        return "TokenLogin[" + spec.name() + ", slot " + slot.slotId() + " '" + slot.label() + "']";
    }

    private static Pkcs11Module.SlotInfo chooseSlot(TokenSpec spec, Pkcs11Module module) {
        List<Pkcs11Module.SlotInfo> slots = module.slots();
        List<Pkcs11Module.SlotInfo> matching =
                slots.stream().filter(spec.slot()::matches).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        String present = slots.stream()
                .map(s -> "'" + s.label() + "' (slot " + s.slotId() + ")")
                .toList()
                .toString();
        throw new TokenException("token '" + spec.name() + "': " + (matching.isEmpty() ? "no" : "more than one")
                + " token matches " + spec.slot() + " in " + spec.library() + "; tokens present: " + present);
    }

    /** The provider configuration; {@code library} is the spec's module, or another spelling of it (TokenReopen). */
    static String sunPkcs11Config(TokenSpec spec, Path library, long slotId) {
        StringBuilder c = new StringBuilder("--");
        c.append("name = ikeseal-")
                .append(spec.name().replaceAll("[^A-Za-z0-9_-]", "_"))
                .append('\n');
        c.append("library = ").append(library).append('\n');
        c.append("slot = ").append(slotId).append('\n');
        // SunPKCS11 destroys a session object (C_DestroyObject) only when its cleaner thread finds the collected key:
        // every 2 s while it finds some, every 60 s after 100 idle rounds. 1 s both ways (the minimum) bounds how
        // long a collected SA key stays in the token (docs/tokens.md, "Live token objects"); the process has one
        // cleaner, configured by the first provider that starts it.
        c.append("cleaner.shortInterval = 1000\ncleaner.longInterval = 1000\n");
        if (spec.nssArgs() != null) {
            c.append("nssArgs = \"").append(spec.nssArgs()).append("\"\n");
        }
        if (spec.tier() == ResidencyTier.SEALED) {
            c.append("attributes(*,CKO_SECRET_KEY,*) = {\n CKA_SENSITIVE = true\n CKA_EXTRACTABLE = false\n}\n");
            // Generic secrets (derived or imported) may key an HMAC (C_SignInit): a prf with only data input is then
            // one
            // Mac rather than an import of the data plus an HKDF derive (docs/key-schedule.md, "Calls per handshake").
            c.append("attributes(*,CKO_SECRET_KEY,CKK_GENERIC_SECRET) = {\n CKA_SIGN = true\n}\n");
        } else {
            // compat: g^ir is read out by design (SoftHSM makes derived keys unextractable by default).
            c.append("attributes(generate,CKO_SECRET_KEY,CKK_GENERIC_SECRET) = {\n CKA_EXTRACTABLE = true\n}\n");
        }
        // Ephemeral DH private values: usable for derivation only, never readable.
        boolean keyExchange = spec.roles().contains(TokenRole.KEY_EXCHANGE);
        for (String kt : new String[] {"CKK_EC", "CKK_DH"}) {
            c.append("attributes(generate,CKO_PRIVATE_KEY,")
                    .append(kt)
                    .append(") = {\n CKA_DERIVE = true\n CKA_SENSITIVE = true\n CKA_EXTRACTABLE = false\n");
            if (keyExchange && kt.equals("CKK_EC")) {
                // A key-exchange EC key never signs; without CKA_SIGN the softoken skips its sign/verify pairwise
                // test, about 40 % of an NSS P-256 key pair generation (docs/tokens.md, "Key pair generation cost").
                c.append(" CKA_SIGN = false\n");
            }
            c.append("}\n");
        }
        if (keyExchange) {
            c.append("attributes(generate,CKO_PUBLIC_KEY,CKK_EC) = {\n CKA_VERIFY = false\n}\n");
        }
        return c.toString();
    }

    /**
     * Logs in through the SunPKCS11 KeyStore (the caller has applied {@link LoginRules#refuseUnsafe}). With a PIN pad
     * the password is null: SunPKCS11 then sees CKF_PROTECTED_AUTHENTICATION_PATH in the token's flags and calls
     * C_Login with a NULL PIN, and the user enters the PIN on the pad (docs/operations-pin.md).
     */
    static KeyStore login(TokenSpec spec, Provider provider, Pkcs11Module.SlotInfo slot) {
        char[] pin = LoginRules.pin(spec, slot);
        if (slot.loginRequired() && slot.protectedAuthenticationPath()) {
            LOG.info("token '{}' has a PIN pad (CKF_PROTECTED_AUTHENTICATION_PATH): enter the PIN there", spec.name());
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            return ks;
        } catch (Exception e) {
            String ckr = Pkcs11Module.ckrOf(e);
            if ("CKR_PIN_INCORRECT".equals(ckr)) {
                throw new TokenException(
                        "token '" + spec.name() + "': wrong PIN from "
                                + spec.pin().describe()
                                + " (CKR_PIN_INCORRECT); not retried, since smartcards lock after a few failed logins",
                        ckr,
                        null);
            }
            throw new TokenException(
                    "token '" + spec.name() + "': login failed"
                            + (ckr != null
                                    ? " (" + ckr + ")"
                                    : ": " + e.getClass().getSimpleName()),
                    ckr,
                    e);
        } finally {
            if (pin != null) {
                Arrays.fill(pin, '\0');
            }
        }
    }

    private static void record(
            AuditSink audit, String token, Instant start, String op, String mech, String result, long t0) {
        long us = Math.max(0, (System.nanoTime() - t0) / 1000);
        try {
            audit.append(new AuditRecord(start, token, op, mech, null, AuditContext.NONE, result, us))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new TokenException(
                    "token '" + token + "': audit record for " + op + " could not be written", null, e);
        }
    }
}
