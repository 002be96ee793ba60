package io.ikeseal.hsm.token;

import java.security.ProviderException;
import java.util.Set;

/**
 * Which failures mean the token itself broke (its device, session, login or object handles are gone) rather than
 * that it refused one request. Only a fault starts recovery: a bad peer value, a template the token dislikes or a
 * missing PSK must never make the daemon reopen a token (docs/tokens.md, "Faults and recovery").
 */
final class TokenFaults {
    /** PKCS#11 return codes after which the session, the login or the handles cannot be trusted any more. */
    static final Set<String> FAULT_CODES = Set.of(
            "CKR_DEVICE_REMOVED",
            "CKR_TOKEN_NOT_PRESENT",
            "CKR_TOKEN_NOT_RECOGNIZED",
            "CKR_SESSION_HANDLE_INVALID",
            "CKR_SESSION_CLOSED",
            "CKR_OBJECT_HANDLE_INVALID",
            "CKR_KEY_HANDLE_INVALID",
            "CKR_DEVICE_ERROR",
            "CKR_GENERAL_ERROR",
            "CKR_USER_NOT_LOGGED_IN",
            "CKR_CRYPTOKI_NOT_INITIALIZED");

    /** Login refusals that must never be retried: smartcards lock after a few wrong PINs. */
    static final Set<String> PIN_REFUSALS =
            Set.of("CKR_PIN_INCORRECT", "CKR_PIN_LOCKED", "CKR_PIN_EXPIRED", "CKR_PIN_INVALID", "CKR_PIN_LEN_RANGE");

    /** What SunPKCS11 throws once it has itself noticed a removable token is gone (its Token.ensureValid). */
    private static final String SUNPKCS11_REMOVED = "Token has been removed";

    private TokenFaults() {}

    /** The fault's name (a CKR code, or "token removed"), or null if {@code t} is an ordinary refusal. */
    static String faultOf(Throwable t) {
        String ckr = Pkcs11Module.ckrOf(t);
        if (ckr != null) {
            return FAULT_CODES.contains(ckr) ? ckr : null;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProviderException && SUNPKCS11_REMOVED.equals(c.getMessage())) {
                return "token removed";
            }
        }
        return null;
    }

    static boolean isPinRefusal(String ckr) {
        return ckr != null && PIN_REFUSALS.contains(ckr);
    }
}
