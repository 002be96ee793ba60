package io.ikeseal.hsm.token;

/**
 * The rules every login on a token follows, whatever made it: the start-up login ({@link TokenLogin}), the re-login
 * after a fault ({@link TokenReopen}) and the context-specific login of a CKA_ALWAYS_AUTHENTICATE key
 * ({@link ContextLogin}); docs/operations-pin.md.
 *
 * <ul>
 *   <li>A token whose C_GetTokenInfo flags say the user PIN is locked or at its final try is never logged into: one
 *       more wrong PIN would lock a smartcard, and only a person can tell whether the configured PIN is the right
 *       one now.
 *   <li>A token with a protected authentication path (a PIN pad) gets a NULL PIN: the PIN is entered on the pad and
 *       never crosses the host, so no PIN source is read.
 *   <li>Otherwise the PIN comes from the token's {@link PinSource}, read anew for each login.
 * </ul>
 */
final class LoginRules {
    private LoginRules() {}

    /** Throws if the token's PIN state forbids logging in automatically. */
    static void refuseUnsafe(String token, Pkcs11Module.SlotInfo slot) {
        if (!slot.loginRequired()) {
            return;
        }
        if (slot.pinLocked()) {
            throw new PinRefusedException(
                    "token '" + token + "': user PIN is locked (CKF_USER_PIN_LOCKED); unlock it with the SO PIN",
                    "CKF_USER_PIN_LOCKED");
        }
        if (slot.pinFinalTry()) {
            throw new PinRefusedException(
                    "token '" + token + "' reports its final PIN try (CKF_USER_PIN_FINAL_TRY): one more wrong PIN "
                            + "locks it, so it is not logged into automatically; log in once by hand with the right "
                            + "PIN (e.g. pkcs11-tool --login --test), which resets the count, then restart",
                    "CKF_USER_PIN_FINAL_TRY");
        }
    }

    /**
     * The PIN for a login on {@code slot}: null when the token needs none or has a PIN pad. The caller wipes it.
     */
    static char[] pin(TokenSpec spec, Pkcs11Module.SlotInfo slot) {
        if (!slot.loginRequired() || slot.protectedAuthenticationPath()) {
            return null;
        }
        char[] pin = spec.pin().read();
        if (pin == null) {
            // the wording ends as StartupChecks (host-agent) recognises it
            throw new TokenException("token '" + spec.name() + "' requires a login but no PIN is configured");
        }
        return pin;
    }
}
