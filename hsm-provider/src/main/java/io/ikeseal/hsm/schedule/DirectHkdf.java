package io.ikeseal.hsm.schedule;

import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_DERIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKF_HKDF_SALT_DATA;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKF_HKDF_SALT_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKF_HKDF_SALT_NULL;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_CONCATENATE_BASE_AND_DATA;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_CONCATENATE_DATA_AND_BASE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_HKDF_DATA;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_HKDF_DERIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_SHA384_HMAC;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_SHA512_HMAC;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_DATA;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_HKDF_PARAMS;
import sun.security.pkcs11.wrapper.CK_KEY_DERIVATION_STRING_DATA;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.token.DirectSessions.DirectSession;

/**
 * The HKDF shapes of the sealed schedule as PKCS#11 calls on a direct-binding session (docs/key-schedule.md, "Calls
 * per handshake"): one C_DeriveKey per derived key, derive + read + destroy per data output, C_SignInit + C_Sign per
 * HMAC. Derived keys are session objects, sensitive and unextractable, usable as HKDF input and salt (CKA_DERIVE) and
 * as HMAC keys (CKA_SIGN). Handles are raw; callers wrap the keys they keep and destroy the rest. Call on a token
 * thread only.
 */
final class DirectHkdf {
    private final PKCS11 p11;
    private final long session;
    private final long hmac;

    DirectHkdf(DirectSession s, Prf prf) {
        this.p11 = s.p11();
        this.session = s.id();
        this.hmac = hmacMechanism(prf);
    }

    static long hmacMechanism(Prf prf) {
        return switch (prf) {
            case HMAC_SHA2_256 -> CKM_SHA256_HMAC;
            case HMAC_SHA2_384 -> CKM_SHA384_HMAC;
            case HMAC_SHA2_512 -> CKM_SHA512_HMAC;
        };
    }

    /** HKDF-Extract(salt as data, IKM = the key {@code ikm}) to a key of {@code length} octets. */
    long extractKey(byte[] salt, long ikm, int length) throws PKCS11Exception {
        return derive(
                CKM_HKDF_DERIVE,
                new CK_HKDF_PARAMS(true, false, hmac, CKF_HKDF_SALT_DATA, salt, 0, null),
                ikm,
                secret(length));
    }

    /** HKDF-Extract(salt = the key {@code salt}, IKM = the key {@code ikm}) to a key of {@code length} octets. */
    long extractKey(long salt, long ikm, int length) throws PKCS11Exception {
        return derive(
                CKM_HKDF_DERIVE,
                new CK_HKDF_PARAMS(true, false, hmac, CKF_HKDF_SALT_KEY, null, salt, null),
                ikm,
                secret(length));
    }

    /** HKDF-Extract(salt = the key {@code salt}, IKM = the key {@code ikm}) as {@code length} octets of data. */
    byte[] extractData(long salt, long ikm, int length) throws PKCS11Exception {
        return data(new CK_HKDF_PARAMS(true, false, hmac, CKF_HKDF_SALT_KEY, null, salt, null), ikm, length);
    }

    /** HKDF-Expand(PRK = the key {@code prk}, info) to a key of {@code length} octets. */
    long expandKey(long prk, byte[] info, int length) throws PKCS11Exception {
        return derive(
                CKM_HKDF_DERIVE,
                new CK_HKDF_PARAMS(false, true, hmac, CKF_HKDF_SALT_NULL, null, 0, info),
                prk,
                secret(length));
    }

    /** HKDF-Expand(PRK = the key {@code prk}, info) as {@code length} octets of data. */
    byte[] expandData(long prk, byte[] info, int length) throws PKCS11Exception {
        return data(new CK_HKDF_PARAMS(false, true, hmac, CKF_HKDF_SALT_NULL, null, 0, info), prk, length);
    }

    /** HMAC(key, data) computed by the token. */
    byte[] hmac(long key, byte[] data) throws PKCS11Exception {
        p11.C_SignInit(session, new CK_MECHANISM(hmac), key);
        return p11.C_Sign(session, data);
    }

    /**
     * A new key holding {@code before | key | after} (either may be empty), for HKDF input that mixes a token key with
     * data. The caller destroys it.
     */
    long concat(byte[] before, long key, byte[] after) throws PKCS11Exception {
        long k = key;
        boolean own = false;
        try {
            if (before.length > 0) {
                k = derive(CKM_CONCATENATE_DATA_AND_BASE, new CK_KEY_DERIVATION_STRING_DATA(before), k, secret(0));
                own = true;
            }
            if (after.length > 0) {
                long next =
                        derive(CKM_CONCATENATE_BASE_AND_DATA, new CK_KEY_DERIVATION_STRING_DATA(after), k, secret(0));
                if (own) {
                    destroyQuietly(k); // an error here must not lose next, which the caller now owns
                }
                k = next;
                own = true;
            }
        } catch (PKCS11Exception | RuntimeException e) {
            if (own) {
                destroyQuietly(k);
            }
            throw e;
        }
        if (!own) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        return k;
    }

    /** Public {@code value} as a key (e.g. a label used as HKDF input); the caller destroys it. */
    long importData(byte[] value) throws PKCS11Exception {
        CK_ATTRIBUTE[] t = {
            new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY),
            new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_GENERIC_SECRET),
            new CK_ATTRIBUTE(CKA_TOKEN, false),
            new CK_ATTRIBUTE(CKA_DERIVE, true),
            new CK_ATTRIBUTE(CKA_VALUE, value)
        };
        return p11.C_CreateObject(session, t);
    }

    void destroy(long handle) throws PKCS11Exception {
        p11.C_DestroyObject(session, handle);
    }

    /** For clean-up on a path that already fails: the first error is the one to report. */
    void destroyQuietly(long handle) {
        try {
            destroy(handle);
        } catch (PKCS11Exception | RuntimeException ignored) {
            // the session's close destroys it at the latest
        }
    }

    private long derive(long mechanism, Object params, long base, CK_ATTRIBUTE[] template) throws PKCS11Exception {
        CK_MECHANISM m = params instanceof CK_HKDF_PARAMS h
                ? new CK_MECHANISM(mechanism, h)
                : new CK_MECHANISM(mechanism, (CK_KEY_DERIVATION_STRING_DATA) params);
        return p11.C_DeriveKey(session, m, base, template);
    }

    private byte[] data(CK_HKDF_PARAMS params, long base, int length) throws PKCS11Exception {
        CK_ATTRIBUTE[] t = {
            new CK_ATTRIBUTE(CKA_CLASS, CKO_DATA),
            new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_GENERIC_SECRET),
            new CK_ATTRIBUTE(CKA_VALUE_LEN, (long) length)
        };
        long out = p11.C_DeriveKey(session, new CK_MECHANISM(CKM_HKDF_DATA, params), base, t);
        try {
            CK_ATTRIBUTE[] value = {new CK_ATTRIBUTE(CKA_VALUE)};
            p11.C_GetAttributeValue(session, out, value);
            byte[] b = value[0].getByteArray();
            if (b == null || b.length != length) {
                throw new IllegalStateException(
                        "CKM_HKDF_DATA gave " + (b == null ? "no" : b.length) + " octets, asked for " + length);
            }
            return b;
        } finally {
            destroy(out);
        }
    }

    /** A sealed session key's template; {@code length} 0 leaves CKA_VALUE_LEN to the mechanism (concatenation). */
    private static CK_ATTRIBUTE[] secret(int length) {
        CK_ATTRIBUTE[] base = {
            new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY),
            new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_GENERIC_SECRET),
            new CK_ATTRIBUTE(CKA_TOKEN, false),
            new CK_ATTRIBUTE(CKA_SENSITIVE, true),
            new CK_ATTRIBUTE(CKA_EXTRACTABLE, false),
            new CK_ATTRIBUTE(CKA_DERIVE, true),
            new CK_ATTRIBUTE(CKA_SIGN, true)
        };
        if (length == 0) {
            return base;
        }
        CK_ATTRIBUTE[] t = java.util.Arrays.copyOf(base, base.length + 1);
        t[base.length] = new CK_ATTRIBUTE(CKA_VALUE_LEN, (long) length);
        return t;
    }
}
