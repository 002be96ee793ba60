package io.ikeseal.hsm;

import static io.ikeseal.hsm.token.Token.await;
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
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_GENERIC_SECRET;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_CONCATENATE_DATA_AND_BASE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_HKDF_DATA;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_DATA;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_HKDF_PARAMS;
import sun.security.pkcs11.wrapper.CK_KEY_DERIVATION_STRING_DATA;
import sun.security.pkcs11.wrapper.CK_MECHANISM;

import io.ikeseal.hsm.token.DirectSessions.DirectSession;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenOperation;

/**
 * Test-only paths into the direct binding (docs/tokens.md, "Direct binding"): a known value imported as a sealed
 * session key like the ones the schedule derives, and HMAC-SHA256(salt, prefix | key) computed in the token as an
 * HKDF-Extract, so a test compares a sealed key with a value it knows without reading the key.
 */
public final class DirectTestKeys {
    private DirectTestKeys() {}

    /**
     * {@code value} as a sensitive, unextractable generic secret (one audited test call) that stands for a secret of
     * RFC length {@code length}, holding it without its first {@code missingZeros} octets as NSS does for a MODP g^ir.
     */
    public static SealedKey secret(Token token, String name, byte[] value, int length, int missingZeros) {
        return await(token.call(new TokenOperation("test-import", "C_CreateObject", name), null, () -> {
            DirectSession s = token.direct().current();
            CK_ATTRIBUTE[] t = {
                new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY),
                new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_GENERIC_SECRET),
                new CK_ATTRIBUTE(CKA_TOKEN, false),
                new CK_ATTRIBUTE(CKA_SENSITIVE, true),
                new CK_ATTRIBUTE(CKA_EXTRACTABLE, false),
                new CK_ATTRIBUTE(CKA_DERIVE, true),
                new CK_ATTRIBUTE(CKA_SIGN, true),
                new CK_ATTRIBUTE(CKA_VALUE, value)
            };
            return new SealedKey(token, name, s.adopt(s.p11().C_CreateObject(s.id(), t)), length, missingZeros);
        }));
    }

    /** The key's CKA_SENSITIVE and CKA_EXTRACTABLE as read from the token, e.g. "sensitive, unextractable". */
    public static String flags(Token token, SealedKey key) {
        return await(token.call(new TokenOperation("test-read", "C_GetAttributeValue", key.name()), null, () -> {
            DirectSession s = token.direct().current();
            CK_ATTRIBUTE[] a = {new CK_ATTRIBUTE(CKA_SENSITIVE), new CK_ATTRIBUTE(CKA_EXTRACTABLE)};
            s.p11().C_GetAttributeValue(s.id(), key.directKey().handle(s), a);
            return (a[0].getBoolean() ? "sensitive" : "not sensitive") + ", "
                    + (a[1].getBoolean() ? "extractable" : "unextractable");
        }));
    }

    /** HKDF-Expand(PRK = the key, info) as {@code length} octets of data, in the token (one test call). */
    public static byte[] expandData(Token token, io.ikeseal.hsm.api.Prf prf, SealedKey prk, byte[] info, int length) {
        return await(token.call(new TokenOperation("test-hkdf", "CKM_HKDF_DATA", prk.name()), null, () -> {
            DirectSession s = token.direct().current();
            long hmac = switch (prf) {
                case HMAC_SHA2_256 -> CKM_SHA256_HMAC;
                case HMAC_SHA2_384 -> sun.security.pkcs11.wrapper.PKCS11Constants.CKM_SHA384_HMAC;
                case HMAC_SHA2_512 -> sun.security.pkcs11.wrapper.PKCS11Constants.CKM_SHA512_HMAC;
            };
            CK_HKDF_PARAMS expand = new CK_HKDF_PARAMS(
                    false, true, hmac, sun.security.pkcs11.wrapper.PKCS11Constants.CKF_HKDF_SALT_NULL, null, 0, info);
            return hkdfData(s, expand, prk.directKey().handle(s), length);
        }));
    }

    /** HMAC-SHA256(salt, prefix | the key) in the token: HKDF-Extract with the salt as data (one test call). */
    public static byte[] extract(Token token, byte[] salt, byte[] prefix, SealedKey ikm) {
        return await(token.call(new TokenOperation("test-hkdf", "CKM_HKDF_DATA", ikm.name()), null, () -> {
            DirectSession s = token.direct().current();
            long base = ikm.directKey().handle(s);
            long in = prefix.length == 0
                    ? base
                    : s.p11()
                            .C_DeriveKey(
                                    s.id(),
                                    new CK_MECHANISM(
                                            CKM_CONCATENATE_DATA_AND_BASE, new CK_KEY_DERIVATION_STRING_DATA(prefix)),
                                    base,
                                    new CK_ATTRIBUTE[] {
                                        new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY),
                                        new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_GENERIC_SECRET),
                                        new CK_ATTRIBUTE(CKA_TOKEN, false),
                                        new CK_ATTRIBUTE(CKA_DERIVE, true)
                                    });
            try {
                return hkdfData(
                        s, new CK_HKDF_PARAMS(true, false, CKM_SHA256_HMAC, CKF_HKDF_SALT_DATA, salt, 0, null), in, 32);
            } finally {
                if (in != base) {
                    s.p11().C_DestroyObject(s.id(), in);
                }
            }
        }));
    }

    /** {@code length} octets of CKM_HKDF_DATA output from {@code base}; the output object is read and destroyed. */
    private static byte[] hkdfData(DirectSession s, CK_HKDF_PARAMS params, long base, int length) throws Exception {
        long object = s.p11().C_DeriveKey(s.id(), new CK_MECHANISM(CKM_HKDF_DATA, params), base, new CK_ATTRIBUTE[] {
            new CK_ATTRIBUTE(CKA_CLASS, CKO_DATA),
            new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_GENERIC_SECRET),
            new CK_ATTRIBUTE(CKA_VALUE_LEN, (long) length)
        });
        try {
            CK_ATTRIBUTE[] v = {new CK_ATTRIBUTE(CKA_VALUE)};
            s.p11().C_GetAttributeValue(s.id(), object, v);
            return v[0].getByteArray();
        } finally {
            s.p11().C_DestroyObject(s.id(), object);
        }
    }
}
