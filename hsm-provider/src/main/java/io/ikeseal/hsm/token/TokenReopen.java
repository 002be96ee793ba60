package io.ikeseal.hsm.token;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;

import sun.security.pkcs11.wrapper.PKCS11;

/**
 * Reopens a token after a fault (docs/tokens.md, "Faults and recovery"): finds the slot again, re-initialises the
 * module if it cannot even list its slots, logs in on a fresh SunPKCS11 provider, re-finds the identity keys callers
 * looked up and runs the checks the roles registered (the key-exchange self-test, a PSK read).
 *
 * <p>SunPKCS11 calls C_Initialize once per library path and never C_Finalize. SoftHSM, once its token directory has
 * vanished, answers every call with CKR_GENERAL_ERROR until it is re-initialised, even after the directory is back.
 * So re-initialising is done here: C_Finalize through the wrapper, then the module is loaded again under another
 * spelling of its path ({@code dir/./lib.so}), which SunPKCS11's wrapper caches as a new module and initializes; the
 * dynamic linker maps the same library, so every wrapper of it sees the fresh state.
 */
final class TokenReopen implements TokenHealth.Reopen {
    private final TokenSpec spec;
    private final Lock exclusive;
    private final Set<String> identityKeys = ConcurrentHashMap.newKeySet();
    private final List<Token.RecoveryCheck> checks = new CopyOnWriteArrayList<>();
    /** Path spellings used so far; each re-initialisation needs one the wrapper has not cached. */
    private final AtomicInteger spellings = new AtomicInteger();

    TokenReopen(TokenSpec spec, Lock exclusive) {
        this.spec = spec;
        this.exclusive = exclusive;
    }

    void requireKey(String alias) {
        identityKeys.add(alias);
    }

    void addCheck(Token.RecoveryCheck check) {
        checks.add(check);
    }

    @Override
    public TokenSession reopen(TokenSession broken) throws Exception {
        Path library = broken.library();
        String how = "C_Login";
        Pkcs11Module.SlotInfo slot;
        try {
            slot = findSlot(library);
        } catch (TokenException e) {
            library = reinitialize(broken);
            how = "C_Finalize,C_Initialize,C_Login";
            slot = findSlot(library);
        }
        if (slot.pinLocked()) {
            throw new PinRefusedException("user PIN is locked (CKF_USER_PIN_LOCKED)", "CKR_PIN_LOCKED");
        }
        if (slot.loginRequired() && slot.pinFinalTry()) {
            throw new PinRefusedException(
                    "the token reports its final PIN try (CKF_USER_PIN_FINAL_TRY); not logging in", "CKR_PIN_LOCKED");
        }
        Provider provider =
                Security.getProvider("SunPKCS11").configure(TokenLogin.sunPkcs11Config(spec, library, slot.slotId()));
        KeyStore ks;
        try {
            ks = TokenLogin.login(spec, provider, slot);
        } catch (TokenException e) {
            if (TokenFaults.isPinRefusal(e.ckr())) {
                throw new PinRefusedException("login refused (" + e.ckr() + ")", e.ckr());
            }
            throw e;
        }
        for (String alias : identityKeys) {
            if (!ks.isKeyEntry(alias) || ks.getKey(alias, null) == null || ks.getCertificateChain(alias) == null) {
                throw new TokenException("key '" + alias + "' not found on token '" + spec.name() + "' yet");
            }
        }
        for (Token.RecoveryCheck check : checks) {
            check.check(provider, ks);
        }
        return new TokenSession(provider, ks, slot, library, broken.generation() + 1, how);
    }

    private Pkcs11Module.SlotInfo findSlot(Path library) {
        List<Pkcs11Module.SlotInfo> matching = Pkcs11Module.load(library, spec.nssArgs()).slots().stream()
                .filter(spec.slot()::matches)
                .toList();
        if (matching.size() != 1) {
            throw new TokenException(
                    "token '" + spec.name() + "': " + matching.size() + " tokens match " + spec.slot());
        }
        return matching.get(0);
    }

    /** C_Finalize, then C_Initialize under a path spelling the wrapper has not seen; no call runs meanwhile. */
    private Path reinitialize(TokenSession broken) throws Exception {
        if (!exclusive.tryLock(2, TimeUnit.SECONDS)) {
            throw new TokenException("token '" + spec.name() + "': calls still running; module not re-initialised");
        }
        try {
            Path current = broken.library();
            try {
                PKCS11.getInstance(current.toString(), "C_GetFunctionList", null, true)
                        .C_Finalize(null);
            } catch (Exception e) {
                // not initialized any more, or the module refuses: C_Initialize below says whether it works
            }
            Path next = respelled(spec.library(), spellings.incrementAndGet());
            Pkcs11Module.load(next, spec.nssArgs());
            return next;
        } finally {
            exclusive.unlock();
        }
    }

    /** {@code dir/./lib.so}, {@code dir/././lib.so}, ...: the same file under a new wrapper cache key. */
    static Path respelled(Path library, int n) {
        Path dir = library.toAbsolutePath().getParent();
        return Path.of(dir + "/" + "./".repeat(n) + library.getFileName());
    }
}
