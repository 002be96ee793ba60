package io.ikeseal.hsm.token;

import java.time.Instant;
import java.util.Arrays;

import sun.security.pkcs11.wrapper.CK_TOKEN_INFO;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * The context-specific login a CKA_ALWAYS_AUTHENTICATE key needs between C_SignInit and C_Sign (PKCS#11 3.0, C_Login with
 * CKU_CONTEXT_SPECIFIC), under the same {@link LoginRules} as every other login: the token's flags are read again
 * first (a final try or a locked PIN refuses), a PIN pad gets a NULL PIN, and a PIN the token refused once is never
 * offered again (docs/operations-pin.md). SunPKCS11 has no such step, so the signer runs the operation in a session of
 * its own through the module wrapper and calls this in between.
 */
final class ContextLogin {
    /** PKCS#11 CKU_CONTEXT_SPECIFIC; SunPKCS11's constants stop at CKU_USER. */
    static final long CKU_CONTEXT_SPECIFIC = 2L;

    private final TokenSpec spec;
    private final AuditSink audit;
    /** Why the token refused a context-specific PIN, or null: once refused, never tried again until a restart. */
    private volatile String refused;

    ContextLogin(TokenSpec spec, AuditSink audit) {
        this.spec = spec;
        this.audit = audit;
    }

    void login(PKCS11 p11, long session, long slotId, String keyRef, AuditContext context) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        String result = "ok";
        char[] pin = null;
        try {
            if (refused != null) {
                throw new PinRefusedException(
                        "token '" + spec.name() + "': a context-specific login was refused before (" + refused
                                + "); not tried again until a restart",
                        refused);
            }
            Pkcs11Module.SlotInfo slot = flags(p11, slotId);
            LoginRules.refuseUnsafe(spec.name(), slot);
            pin = LoginRules.pin(spec, slot);
            p11.C_Login(session, CKU_CONTEXT_SPECIFIC, pin);
        } catch (PKCS11Exception e) {
            String ckr = Pkcs11Module.ckrOf(e);
            result = ckr != null ? ckr : "failed";
            if (TokenFaults.isPinRefusal(ckr)) {
                refused = ckr;
                throw new PinRefusedException(
                        "token '" + spec.name() + "': context-specific login for key '" + keyRef + "' refused (" + ckr
                                + "); not tried again until a restart",
                        ckr);
            }
            throw new TokenException(
                    "token '" + spec.name() + "': context-specific login for key '" + keyRef + "' failed (" + ckr + ")",
                    ckr,
                    e);
        } catch (TokenException e) {
            result = e.ckr() != null ? e.ckr() : "failed";
            throw e;
        } finally {
            if (pin != null) {
                Arrays.fill(pin, '\0');
            }
            long us = Math.max(0, (System.nanoTime() - t0) / 1000);
            try {
                // queued only: the sign call's own record follows it, and its release waits as every call does
                var _ = audit.append(new AuditRecord(
                        start,
                        spec.name(),
                        "context-login",
                        "C_Login(CKU_CONTEXT_SPECIFIC)",
                        keyRef,
                        context == null ? AuditContext.NONE : context,
                        result,
                        us));
            } catch (RuntimeException e) {
                // a log that refuses records fails the sign call's own record, which withholds its result
            }
        }
    }

    private static Pkcs11Module.SlotInfo flags(PKCS11 p11, long slotId) throws PKCS11Exception {
        CK_TOKEN_INFO ti = p11.C_GetTokenInfo(slotId);
        return new Pkcs11Module.SlotInfo(slotId, "", "", "", "", ti.flags);
    }
}
