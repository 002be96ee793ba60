package io.ikeseal.hsm.token;

import javax.crypto.SecretKey;
import javax.security.auth.Destroyable;

/**
 * A handle to a secret that lives in a token (compare BouncyCastle's {@code TlsSecret}). There is no way to
 * read its value: the sealed tier creates token keys with CKA_SENSITIVE=true and CKA_EXTRACTABLE=false, so
 * the underlying key reports no encoding. Operations on it go through the schedule and kx packages.
 *
 * <p>{@link #destroy()} drops the handle at once and uncounts it from the token's {@link LiveTokenObjects};
 * SunPKCS11 destroys the session object (C_DestroyObject) when the key object is collected (docs/tokens.md, "Live
 * token objects"). Session objects never outlive the process.
 *
 * <p>{@link #length()} is the secret's length as the RFC defines it. The token key may lack
 * {@link #missingLeadingZeros()} leading zero octets of that value: NSS softoken trims them from a MODP g^ir
 * (about once in 256 exchanges), while RFC 7296 §2.14 keeps g^ir at the prime's length. Users put them back as
 * data in front of the key when it is HKDF input (IKM); as an HMAC key (HKDF salt) such a key is refused.
 */
public final class SealedKey implements Destroyable, io.ikeseal.hsm.api.Secret {
    private final Token token;
    private final String name;
    private final int length;
    private final int missingLeadingZeros;
    /** A SecretKey (SunPKCS11's, or a host key in the compat tier) or a {@link DirectKey}. */
    private final LiveTokenObjects.Handle<Object> key;

    public SealedKey(Token token, String name, SecretKey key, int length) {
        this(token, name, key, length, 0);
    }

    /** A key the direct binding made on {@code token} (docs/tokens.md, "Direct binding"). */
    public SealedKey(Token token, String name, DirectKey key, int length, int missingLeadingZeros) {
        this(token, name, (Object) java.util.Objects.requireNonNull(key, "key"), length, missingLeadingZeros);
    }

    /**
     * @param length              the logical (RFC) length in bytes
     * @param missingLeadingZeros how many leading zero octets of that value the token key lacks
     */
    public SealedKey(Token token, String name, SecretKey key, int length, int missingLeadingZeros) {
        this(token, name, (Object) key, length, missingLeadingZeros);
    }

    private SealedKey(Token token, String name, Object key, int length, int missingLeadingZeros) {
        if (missingLeadingZeros < 0 || (missingLeadingZeros > 0 && missingLeadingZeros >= length)) {
            throw new IllegalArgumentException("sealed key " + name + ": missing leading zeros must be 0.."
                    + (length - 1) + ", was " + missingLeadingZeros);
        }
        this.token = token;
        this.name = name;
        this.key = token == null
                ? LiveTokenObjects.untracked(key)
                : token.liveObjects().track(key);
        this.length = length;
        this.missingLeadingZeros = missingLeadingZeros;
    }

    public Token token() {
        return token;
    }

    /** The role of this secret, e.g. "g^ir", "SKEYSEED", "SK_d"; used as the audit key reference. */
    @Override
    public String name() {
        return name;
    }

    /** Length of the secret in bytes, as the RFC defines it (leading zero octets included). */
    @Override
    public int length() {
        return length;
    }

    /**
     * Leading zero octets of the secret that the token key does not hold (0 unless the token trimmed them, as
     * NSS does for a MODP g^ir). The token key holds the remaining {@code length() - missingLeadingZeros()} octets.
     */
    public int missingLeadingZeros() {
        return missingLeadingZeros;
    }

    /** The JCA key (SunPKCS11's, or a compat host key), for hsm-provider's operations. Throws once destroyed. */
    public SecretKey key() {
        if (live() instanceof SecretKey k) {
            return k;
        }
        throw new IllegalStateException("sealed key " + name + " was made through the direct binding, not JCA");
    }

    /** Whether the direct binding made this key ({@link #directKey()}), rather than JCA ({@link #key()}). */
    public boolean isDirect() {
        return key.get() instanceof DirectKey;
    }

    /** The direct binding's handle, for hsm-provider's operations. Throws once destroyed. */
    public DirectKey directKey() {
        if (live() instanceof DirectKey k) {
            return k;
        }
        throw new IllegalStateException("sealed key " + name + " is a JCA key, not one of the direct binding");
    }

    private Object live() {
        Object k = key.get();
        if (k == null) {
            throw new IllegalStateException(
                    "sealed key " + name + " on token " + (token == null ? "(none)" : token.name()) + " was destroyed");
        }
        return k;
    }

    @Override
    public void destroy() {
        // once: the token's live count drops by one however often this is called
        if (key.release() instanceof DirectKey d) {
            d.destroy();
        }
    }

    @Override
    public boolean isDestroyed() {
        return key.get() == null;
    }

    @Override
    public String toString() {
        return "SealedKey[" + name + ", " + length + " bytes, token " + token.name()
                + (isDestroyed() ? ", destroyed" : "") + "]";
    }
}
