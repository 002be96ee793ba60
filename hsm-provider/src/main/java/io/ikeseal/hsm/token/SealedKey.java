package io.ikeseal.hsm.token;

import javax.crypto.SecretKey;
import javax.security.auth.Destroyable;

/**
 * A handle to a secret that lives in a token (compare BouncyCastle's {@code TlsSecret}). There is no way to
 * read its value: the sealed tier creates token keys with CKA_SENSITIVE=true and CKA_EXTRACTABLE=false, so
 * the underlying key reports no encoding. Operations on it go through the schedule and kx packages.
 *
 * <p>{@link #destroy()} drops the handle at once; SunPKCS11 destroys the session object (C_DestroyObject)
 * when the key object is collected. Session objects never outlive the process.
 */
public final class SealedKey implements Destroyable {
    private final Token token;
    private final String name;
    private final int length;
    private volatile SecretKey key;

    public SealedKey(Token token, String name, SecretKey key, int length) {
        this.token = token;
        this.name = name;
        this.key = key;
        this.length = length;
    }

    public Token token() {
        return token;
    }

    /** The role of this secret, e.g. "g^ir", "SKEYSEED", "SK_d"; used as the audit key reference. */
    public String name() {
        return name;
    }

    /** Length of the secret in bytes. */
    public int length() {
        return length;
    }

    /** The token key handle, for hsm-provider's operations. Throws once destroyed. */
    public SecretKey key() {
        SecretKey k = key;
        if (k == null) {
            throw new IllegalStateException("sealed key " + name + " on token " + token.name() + " was destroyed");
        }
        return k;
    }

    @Override
    public void destroy() {
        key = null;
    }

    @Override
    public boolean isDestroyed() {
        return key == null;
    }

    @Override
    public String toString() {
        return "SealedKey[" + name + ", " + length + " bytes, token " + token.name()
                + (key == null ? ", destroyed" : "") + "]";
    }
}
