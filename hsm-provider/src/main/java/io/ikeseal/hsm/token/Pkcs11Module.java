package io.ikeseal.hsm.token;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import sun.security.pkcs11.wrapper.CK_C_INITIALIZE_ARGS;
import sun.security.pkcs11.wrapper.CK_MECHANISM_INFO;
import sun.security.pkcs11.wrapper.CK_TOKEN_INFO;
import sun.security.pkcs11.wrapper.Functions;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;
import sun.security.pkcs11.wrapper.PKCS11Exception;

/**
 * Slot and mechanism lists of a PKCS#11 module. JCA exposes neither token labels nor mechanism lists,
 * so this reads them through SunPKCS11's own wrapper (needs
 * {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}). The wrapper keeps one
 * initialized instance per library path, which the SunPKCS11 provider created later shares.
 */
public final class Pkcs11Module {
    private final Path library;
    private final PKCS11 p11;

    private Pkcs11Module(Path library, PKCS11 p11) {
        this.library = library;
        this.p11 = p11;
    }

    /** What C_GetTokenInfo says about one slot's token. */
    public record SlotInfo(long slotId, String label, String manufacturer, String model, String serial, long flags) {
        public boolean loginRequired() {
            return (flags & PKCS11Constants.CKF_LOGIN_REQUIRED) != 0;
        }

        public boolean pinLocked() {
            return (flags & PKCS11Constants.CKF_USER_PIN_LOCKED) != 0;
        }

        public boolean pinFinalTry() {
            return (flags & PKCS11Constants.CKF_USER_PIN_FINAL_TRY) != 0;
        }

        /** A PIN pad or similar: the user authenticates on the device, C_Login gets a NULL PIN. */
        public boolean protectedAuthenticationPath() {
            return (flags & PKCS11Constants.CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
        }
    }

    /** Key size limits and flags of one mechanism (C_GetMechanismInfo). */
    public record MechanismInfo(long mechanism, String name, long minKeySize, long maxKeySize, long flags) {}

    /**
     * Loads and initializes a module. {@code nssArgs} is NSS softoken's C_Initialize pReserved string, or null.
     */
    public static Pkcs11Module load(Path library, String nssArgs) {
        if (!Files.isRegularFile(library)) {
            throw new TokenException("PKCS#11 module not found: " + library);
        }
        CK_C_INITIALIZE_ARGS args = new CK_C_INITIALIZE_ARGS();
        args.flags = PKCS11Constants.CKF_OS_LOCKING_OK;
        if (nssArgs != null) {
            args.pReserved = nssArgs;
        }
        try {
            return new Pkcs11Module(library, PKCS11.getInstance(library.toString(), "C_GetFunctionList", args, false));
        } catch (PKCS11Exception e) {
            throw new TokenException(
                    "cannot initialize PKCS#11 module " + library + ": " + e.getMessage(), e.getMessage(), e);
        } catch (java.io.IOException | RuntimeException e) {
            throw new TokenException("cannot load PKCS#11 module " + library + ": " + e.getMessage(), null, e);
        }
    }

    public Path library() {
        return library;
    }

    /** Slots with a token present. */
    public List<SlotInfo> slots() {
        try {
            List<SlotInfo> out = new ArrayList<>();
            for (long slot : p11.C_GetSlotList(true)) {
                CK_TOKEN_INFO ti = p11.C_GetTokenInfo(slot);
                out.add(new SlotInfo(
                        slot,
                        trim(ti.label),
                        trim(ti.manufacturerID),
                        trim(ti.model),
                        trim(ti.serialNumber),
                        ti.flags));
            }
            return out;
        } catch (PKCS11Exception e) {
            throw new TokenException("cannot list slots of " + library + ": " + e.getMessage(), e.getMessage(), e);
        }
    }

    public SlotInfo slot(long slotId) {
        return slots().stream()
                .filter(s -> s.slotId() == slotId)
                .findFirst()
                .orElseThrow(() -> new TokenException("no token in slot " + slotId + " of " + library));
    }

    public List<MechanismInfo> mechanisms(long slotId) {
        try {
            List<MechanismInfo> out = new ArrayList<>();
            for (long m : p11.C_GetMechanismList(slotId)) {
                CK_MECHANISM_INFO info = p11.C_GetMechanismInfo(slotId, m);
                out.add(new MechanismInfo(m, mechanismName(m), info.ulMinKeySize, info.ulMaxKeySize, info.flags));
            }
            return out;
        } catch (PKCS11Exception e) {
            throw new TokenException(
                    "cannot list mechanisms of slot " + slotId + " of " + library + ": " + e.getMessage(),
                    e.getMessage(),
                    e);
        }
    }

    public static String mechanismName(long mechanism) {
        String n = Functions.getMechanismName(mechanism);
        return n != null ? n : String.format("0x%08X", mechanism);
    }

    /** The CKR_ name inside an exception's cause chain, or null. */
    public static String ckrOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PKCS11Exception p) {
                java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("CKR_[A-Z0-9_]+").matcher(p.getMessage());
                return m.find() ? m.group() : p.getMessage();
            }
            if (c instanceof TokenException te && te.ckr() != null) {
                return te.ckr();
            }
        }
        return null;
    }

    private static String trim(char[] chars) {
        return chars == null ? "" : new String(chars).strip();
    }
}
