package io.ikeseal.testhsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.AuthProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Creates SunPKCS11 providers without adding them to the global provider list.
 *
 * <p>Modules read their environment at C_Initialize, which SunPKCS11 runs once per library path
 * when the first provider for that path is configured. "setenv + first configure" is therefore
 * one critical section across the JVM.
 */
final class Pkcs11Modules {
    private static final ReentrantLock FIRST_INIT = new ReentrantLock();

    private Pkcs11Modules() {}

    /** Sets env in the process, then configures (and so C_Initializes) a provider. */
    static Provider load(String config, Map<String, String> env) {
        FIRST_INIT.lock();
        try {
            env.forEach(NativeEnv::set);
            return configure(config);
        } finally {
            FIRST_INIT.unlock();
        }
    }

    /** Another provider on an already-initialized module (no env needed). */
    static Provider configure(String config) {
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IllegalStateException("this JDK has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        return base.configure("--" + config);
    }

    /** Loads (and so logs in to) the token's KeyStore; a fresh one sees objects made since. */
    static KeyStore keyStore(Provider p, char[] pin) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", p);
            ks.load(null, pin);
            return ks;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot log in to " + p.getName(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot log in to " + p.getName(), e);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    /** Logs out; the module itself stays loaded (SunPKCS11 never C_Finalizes or unloads). */
    static void logout(Provider p) {
        if (p instanceof AuthProvider auth) {
            try {
                auth.logout();
            } catch (Exception ignored) {
                // best effort: the token directory is deleted next anyway
            }
        }
    }
}
