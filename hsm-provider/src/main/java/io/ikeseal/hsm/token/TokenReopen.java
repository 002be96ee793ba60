package io.ikeseal.hsm.token;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reopens a token after a fault (docs/tokens.md, "Faults and recovery"): finds the slot again, re-initialises the
 * module if it cannot even list its slots, logs in on a fresh SunPKCS11 provider, re-finds the identity keys callers
 * looked up and runs the checks the roles registered (the key-exchange self-test, a PSK read).
 *
 * <p>SoftHSM, once its token directory has vanished, answers every call with CKR_GENERAL_ERROR until it is
 * re-initialised, even after the directory is back; {@link LoadedModule#reinitialize} does that, once for all tokens
 * on the module.
 */
final class TokenReopen implements TokenHealth.Reopen {
    private final TokenSpec spec;
    private final LoadedModule module;
    private final Set<String> identityKeys = ConcurrentHashMap.newKeySet();
    private final List<Token.RecoveryCheck> checks = new CopyOnWriteArrayList<>();

    TokenReopen(TokenSpec spec, LoadedModule module) {
        this.spec = spec;
        this.module = module;
    }

    void requireKey(String alias) {
        identityKeys.add(alias);
    }

    void addCheck(Token.RecoveryCheck check) {
        checks.add(check);
    }

    @Override
    public TokenSession reopen(TokenSession broken) throws Exception {
        // another token on the same module may have re-initialised it already: start from where it stands
        Path library = module.current();
        String how = "C_Login";
        Pkcs11Module.SlotInfo slot;
        try {
            slot = findSlot(library);
        } catch (TokenException e) {
            library = module.reinitialize(library, spec);
            how = "C_Finalize,C_Initialize,C_Login";
            slot = findSlot(library);
        }
        LoginRules.refuseUnsafe(spec.name(), slot); // the same rules as at start, on the flags read just now
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
        return new TokenSession(provider, ks, slot, broken.generation() + 1, how);
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
}
