package io.ikeseal.hsm.token;

/**
 * A token could not do what was asked. Messages name the token, the operation and the PKCS#11 return
 * code where there is one; they never carry key material or PINs.
 */
public class TokenException extends RuntimeException {
    private final String ckr;

    public TokenException(String message) {
        this(message, null, null);
    }

    public TokenException(String message, String ckr, Throwable cause) {
        super(message, cause);
        this.ckr = ckr;
    }

    /** The PKCS#11 return code name (e.g. CKR_PIN_INCORRECT), or null. */
    public String ckr() {
        return ckr;
    }
}
