package io.ikeseal.hsm.token;

import java.security.AuthProvider;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.security.auth.Destroyable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.audit.AuditContext;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * One logged-in PKCS#11 token. Every operation runs through {@link #call} on the token's own bounded
 * executor (token calls block; the event loop must never wait on one) and is released to the caller only
 * after its audit record is durable.
 */
public final class Token implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Token.class);
    /** Completions leave the audit writer's thread, so a continuation can never stall the log. */
    private static final ExecutorService COMPLETIONS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("token-completion-", 0).factory());
    private static final Object INIT_LOCK = new Object();

    private final TokenSpec spec;
    private final Pkcs11Module.SlotInfo slot;
    private final TokenCapabilities capabilities;
    private final Provider provider;
    private final KeyStore keyStore;
    private final AuditSink audit;
    private final TokenExecutor executor;

    private Token(TokenSpec spec, Pkcs11Module.SlotInfo slot, TokenCapabilities capabilities, Provider provider,
                  KeyStore keyStore, AuditSink audit) {
        this.spec = spec;
        this.slot = slot;
        this.capabilities = capabilities;
        this.provider = provider;
        this.keyStore = keyStore;
        this.audit = audit;
        this.executor = new TokenExecutor(spec.name(), spec.threads());
    }

    /**
     * Loads the module, chooses the slot, checks the token can serve its roles, logs in once and writes a
     * "login" audit record. A wrong PIN is reported, never retried: smartcards lock after a few failures.
     */
    public static Token open(TokenSpec spec, AuditSink audit) {
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
                        + (role == TokenRole.KEY_EXCHANGE ? " at tier " + spec.tier().configName() : "")
                        + ": missing " + String.join(", ", missing)
                        + (role == TokenRole.KEY_EXCHANGE && spec.tier() == ResidencyTier.SEALED
                            ? " (use an HKDF-capable token, or set tier: compat explicitly)" : ""));
            }
        }
        if (slot.pinLocked()) {
            throw new TokenException("token '" + spec.name() + "': user PIN is locked (CKF_USER_PIN_LOCKED); "
                    + "unlock it with the SO PIN", "CKR_PIN_LOCKED", null);
        }
        Provider provider = Security.getProvider("SunPKCS11").configure(sunPkcs11Config(spec, slot.slotId()));
        long t0 = System.nanoTime();
        Instant start = Instant.now();
        KeyStore ks;
        try {
            ks = login(spec, provider, slot);
        } catch (TokenException e) {
            record(audit, spec.name(), start, "login", "C_Login", e.ckr() != null ? e.ckr() : "failed", t0);
            throw e;
        }
        record(audit, spec.name(), start, "login", "C_Login", "ok", t0);
        if (spec.roles().contains(TokenRole.KEY_EXCHANGE)) {
            if (spec.tier() == ResidencyTier.SEALED) {
                selfTest(spec, provider, caps, audit);
            }
            caps = keyExchangeSelfTest(spec, provider, caps, audit);
        }
        Token token = new Token(spec, slot, caps, provider, ks, audit);
        if (spec.roles().contains(TokenRole.KEY_EXCHANGE) && spec.tier() == ResidencyTier.COMPAT) {
            LOG.warn("token '{}' runs the key schedule in COMPAT tier: g^ir leaves the token and SKEYSEED/SK_d "
                    + "are computed on the host", spec.name());
            record(audit, spec.name(), Instant.now(), "tier-compat", "-", "ok", System.nanoTime());
        }
        LOG.info("token '{}' ready: slot {} label '{}', roles {}{}, {} thread(s)", spec.name(), slot.slotId(),
                slot.label(), spec.roles().stream().map(TokenRole::configName).sorted().toList(),
                spec.roles().contains(TokenRole.KEY_EXCHANGE) ? ", tier " + token.tier().configName() : "",
                spec.threads());
        return token;
    }

    private static void selfTest(TokenSpec spec, Provider provider, TokenCapabilities caps, AuditSink audit) {
        for (io.ikeseal.hsm.schedule.Prf prf : caps.sealedPrfs()) {
            long t0 = System.nanoTime();
            Instant start = Instant.now();
            try {
                SealedScheduleSelfTest.run(provider, prf);
            } catch (TokenException e) {
                record(audit, spec.name(), start, "self-test", prf.kdfAlgorithm(), e.ckr() != null ? e.ckr() : "failed", t0);
                throw new TokenException("token '" + spec.name() + "' cannot serve role key-exchange at tier sealed: "
                        + e.getMessage(), e.ckr(), e);
            }
            record(audit, spec.name(), start, "self-test", prf.kdfAlgorithm(), "ok", t0);
        }
    }

    private static TokenCapabilities keyExchangeSelfTest(TokenSpec spec, Provider provider, TokenCapabilities caps,
                                                         AuditSink audit) {
        java.util.Set<io.ikeseal.hsm.kx.DhGroup> served = java.util.EnumSet.noneOf(io.ikeseal.hsm.kx.DhGroup.class);
        for (io.ikeseal.hsm.kx.DhGroup g : caps.dhGroups()) {
            long t0 = System.nanoTime();
            Instant start = Instant.now();
            String failure = KeyExchangeSelfTest.run(provider, g, spec.tier());
            String mech = g.kind() == io.ikeseal.hsm.kx.DhGroup.Kind.ECP ? "CKM_ECDH1_DERIVE" : "CKM_DH_PKCS_DERIVE";
            record(audit, spec.name(), start, "self-test", mech + "/" + g.proposalName(),
                    failure == null ? "ok" : failure, t0);
            if (failure == null) {
                served.add(g);
            } else {
                LOG.warn("token '{}' lists {} but cannot complete a {} exchange ({}); not offering {}", spec.name(), mech,
                        g.proposalName(), failure, g.proposalName());
            }
        }
        if (served.isEmpty()) {
            throw new TokenException("token '" + spec.name() + "' cannot serve role key-exchange: no Diffie-Hellman "
                    + "group completed its start-up self-test (see the audit log for each group's error)");
        }
        return caps.withDhGroups(served);
    }

    private static Pkcs11Module.SlotInfo chooseSlot(TokenSpec spec, Pkcs11Module module) {
        List<Pkcs11Module.SlotInfo> slots = module.slots();
        List<Pkcs11Module.SlotInfo> matching = slots.stream().filter(spec.slot()::matches).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        String present = slots.stream().map(s -> "'" + s.label() + "' (slot " + s.slotId() + ")").toList().toString();
        throw new TokenException("token '" + spec.name() + "': " + (matching.isEmpty() ? "no" : "more than one")
                + " token matches " + spec.slot() + " in " + spec.library() + "; tokens present: " + present);
    }

    private static String sunPkcs11Config(TokenSpec spec, long slotId) {
        StringBuilder c = new StringBuilder("--");
        c.append("name = ikeseal-").append(spec.name().replaceAll("[^A-Za-z0-9_-]", "_")).append('\n');
        c.append("library = ").append(spec.library()).append('\n');
        c.append("slot = ").append(slotId).append('\n');
        if (spec.nssArgs() != null) {
            c.append("nssArgs = \"").append(spec.nssArgs()).append("\"\n");
        }
        if (spec.tier() == ResidencyTier.SEALED) {
            c.append("attributes(*,CKO_SECRET_KEY,*) = {\n CKA_SENSITIVE = true\n CKA_EXTRACTABLE = false\n}\n");
        } else {
            // compat: g^ir is read out by design (SoftHSM makes derived keys unextractable by default).
            c.append("attributes(generate,CKO_SECRET_KEY,CKK_GENERIC_SECRET) = {\n CKA_EXTRACTABLE = true\n}\n");
        }
        // Ephemeral DH private values: usable for derivation only, never readable.
        for (String kt : new String[] {"CKK_EC", "CKK_DH"}) {
            c.append("attributes(generate,CKO_PRIVATE_KEY,").append(kt)
                    .append(") = {\n CKA_DERIVE = true\n CKA_SENSITIVE = true\n CKA_EXTRACTABLE = false\n}\n");
        }
        return c.toString();
    }

    private static KeyStore login(TokenSpec spec, Provider provider, Pkcs11Module.SlotInfo slot) {
        char[] pin = slot.loginRequired() ? spec.pin().read() : null;
        if (slot.loginRequired() && pin == null) {
            throw new TokenException("token '" + spec.name() + "' requires a login but no PIN is configured");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            return ks;
        } catch (Exception e) {
            String ckr = Pkcs11Module.ckrOf(e);
            if ("CKR_PIN_INCORRECT".equals(ckr)) {
                throw new TokenException("token '" + spec.name() + "': wrong PIN from " + spec.pin().describe()
                        + " (CKR_PIN_INCORRECT); not retried, since smartcards lock after a few failed logins",
                        ckr, null);
            }
            throw new TokenException("token '" + spec.name() + "': login failed"
                    + (ckr != null ? " (" + ckr + ")" : ": " + e.getClass().getSimpleName()), ckr, e);
        } finally {
            if (pin != null) {
                Arrays.fill(pin, '\0');
            }
        }
    }

    private static void record(AuditSink audit, String token, Instant start, String op, String mech, String result,
                               long t0) {
        long us = Math.max(0, (System.nanoTime() - t0) / 1000);
        try {
            audit.append(new AuditRecord(start, token, op, mech, null, AuditContext.NONE, result, us))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new TokenException("token '" + token + "': audit record for " + op + " could not be written", null, e);
        }
    }

    /**
     * Runs {@code body} on this token's executor. The future completes after the operation's audit record
     * is durable; if that record cannot be written the result is withheld (and destroyed if it can be).
     */
    public <T> CompletableFuture<T> call(TokenOperation op, AuditContext context, TokenCall<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        AuditContext ctx = context == null ? AuditContext.NONE : context;
        try {
            executor.execute(() -> run(op, ctx, body, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new TokenException("token '" + name() + "' is "
                    + (executor.isShutdown() ? "closed" : "saturated (" + executor.queued() + " operations queued)")
                    + "; " + op.operation() + " not run"));
        }
        return result;
    }

    private <T> void run(TokenOperation op, AuditContext ctx, TokenCall<T> body, CompletableFuture<T> result) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        T value = null;
        Throwable error = null;
        try {
            value = body.run();
        } catch (Throwable t) {
            error = t;
        }
        long us = (System.nanoTime() - t0) / 1000;
        String outcome = error == null ? "ok" : outcomeOf(error);
        AuditRecord rec = new AuditRecord(start, name(), op.operation(), op.mechanism(), op.keyRef(), ctx, outcome, us);
        T v = value;
        Throwable err = error;
        CompletableFuture<Void> logged;
        try {
            logged = audit.append(rec);
        } catch (RuntimeException e) {
            logged = CompletableFuture.failedFuture(e);
        }
        logged.whenCompleteAsync((ignored, auditError) -> {
            if (auditError != null) {
                destroyQuietly(v);
                result.completeExceptionally(new TokenException("token '" + name() + "': " + op.operation()
                        + " result withheld because its audit record could not be written", null, auditError));
            } else if (err != null) {
                result.completeExceptionally(wrap(op, err));
            } else {
                result.complete(v);
            }
        }, COMPLETIONS);
    }

    private TokenException wrap(TokenOperation op, Throwable t) {
        if (t instanceof TokenException te) {
            return te;
        }
        String ckr = Pkcs11Module.ckrOf(t);
        return new TokenException("token '" + name() + "': " + op.operation() + " (" + op.mechanism() + ") failed: "
                + (ckr != null ? ckr : t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "")),
                ckr, t);
    }

    private static String outcomeOf(Throwable t) {
        String ckr = Pkcs11Module.ckrOf(t);
        return ckr != null ? ckr : t.getClass().getSimpleName();
    }

    private static void destroyQuietly(Object o) {
        if (o instanceof Destroyable d) {
            try {
                d.destroy();
            } catch (Exception ignored) {
                // best effort: the handle is dropped either way
            }
        }
    }

    /** Waits for a token call and unwraps its failure; for CLI and tests, never on an event loop. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new TokenException(String.valueOf(c), null, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted waiting for a token operation");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TokenException("token operation did not finish within 120 s");
        }
    }

    public String name() {
        return spec.name();
    }

    public TokenSpec spec() {
        return spec;
    }

    public Pkcs11Module.SlotInfo slot() {
        return slot;
    }

    public TokenCapabilities capabilities() {
        return capabilities;
    }

    /** The residency tier this token runs the key schedule at. */
    public ResidencyTier tier() {
        return spec.tier();
    }

    /** The SunPKCS11 provider bound to this token's slot. Use only inside {@link #call} bodies. */
    public Provider provider() {
        return provider;
    }

    /** The token's KeyStore (logged in). Use only inside {@link #call} bodies. */
    public KeyStore keyStore() {
        return keyStore;
    }

    public AuditSink audit() {
        return audit;
    }

    public Map<String, Object> describe() {
        return Map.of("name", name(), "library", spec.library().toString(), "slot", slot.slotId(),
                "label", slot.label(), "tier", tier().configName());
    }

    @Override
    public void close() {
        executor.shutdownAndWait();
        if (provider instanceof AuthProvider ap) {
            try {
                ap.logout();
            } catch (Exception e) {
                LOG.debug("token '{}': logout failed: {}", name(), e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public String toString() {
        return "Token[" + name() + ", slot " + slot.slotId() + " '" + slot.label() + "', " + tier().configName() + "]";
    }
}
