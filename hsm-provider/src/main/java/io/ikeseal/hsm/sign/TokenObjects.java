package io.ikeseal.hsm.sign;

import java.util.ArrayList;
import java.util.List;

import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;

/**
 * Object searches JCA cannot express: the SunPKCS11 KeyStore names entries by CKA_LABEL but an RFC 7512
 * URI may name a key by CKA_ID. Reads only CKA_LABEL of certificate objects (public attributes), in a
 * short-lived session of the token's already initialized and logged-in module. Call inside a token call.
 */
final class TokenObjects {
    private static final int MAX_OBJECTS = 256;

    private TokenObjects() {}

    /** CKA_LABELs of the certificates whose CKA_ID is {@code id}; the KeyStore aliases of their key entries. */
    static List<String> certificateLabelsWithId(Token token, byte[] id) throws Exception {
        PKCS11 p11 = PKCS11.getInstance(token.spec().library().toString(), "C_GetFunctionList", null, false);
        long session = p11.C_OpenSession(token.slot().slotId(), PKCS11Constants.CKF_SERIAL_SESSION, null, null);
        try {
            p11.C_FindObjectsInit(session, new CK_ATTRIBUTE[] {
                new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_CERTIFICATE),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_ID, id)
            });
            long[] handles;
            try {
                handles = p11.C_FindObjects(session, MAX_OBJECTS);
            } finally {
                p11.C_FindObjectsFinal(session);
            }
            List<String> labels = new ArrayList<>();
            for (long h : handles) {
                CK_ATTRIBUTE[] label = {new CK_ATTRIBUTE(PKCS11Constants.CKA_LABEL)};
                p11.C_GetAttributeValue(session, h, label);
                char[] chars = label[0].getCharArray();
                if (chars != null) {
                    labels.add(new String(chars));
                }
            }
            return labels;
        } finally {
            p11.C_CloseSession(session);
        }
    }

    /**
     * The handle of the private key behind KeyStore alias {@code alias} in {@code session}: SunPKCS11 names a key entry
     * by its certificate's CKA_LABEL and pairs the two by CKA_ID, so the key is the private key with that certificate's
     * CKA_ID, else the one labelled {@code alias}.
     */
    static long privateKeyHandle(PKCS11 p11, long session, String alias) throws Exception {
        long[] certs = find(p11, session, new CK_ATTRIBUTE[] {
            new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_CERTIFICATE),
            new CK_ATTRIBUTE(PKCS11Constants.CKA_LABEL, alias)
        });
        if (certs.length == 1) {
            CK_ATTRIBUTE[] id = {new CK_ATTRIBUTE(PKCS11Constants.CKA_ID)};
            p11.C_GetAttributeValue(session, certs[0], id);
            byte[] ckaId = id[0].getByteArray();
            if (ckaId != null && ckaId.length > 0) {
                long[] keys = find(p11, session, new CK_ATTRIBUTE[] {
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_PRIVATE_KEY),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_ID, ckaId)
                });
                if (keys.length == 1) {
                    return keys[0];
                }
            }
        }
        long[] keys = find(p11, session, new CK_ATTRIBUTE[] {
            new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_PRIVATE_KEY),
            new CK_ATTRIBUTE(PKCS11Constants.CKA_LABEL, alias)
        });
        if (keys.length != 1) {
            throw new TokenException(
                    "token holds " + keys.length + " private keys for '" + alias + "'; expected exactly one");
        }
        return keys[0];
    }

    /** Whether the key behind {@code alias} has CKA_ALWAYS_AUTHENTICATE (a login before each use). */
    static boolean alwaysAuthenticate(Token token, String alias) throws Exception {
        PKCS11 p11 = token.module();
        long session = p11.C_OpenSession(token.slot().slotId(), PKCS11Constants.CKF_SERIAL_SESSION, null, null);
        try {
            CK_ATTRIBUTE[] a = {new CK_ATTRIBUTE(PKCS11Constants.CKA_ALWAYS_AUTHENTICATE)};
            try {
                p11.C_GetAttributeValue(session, privateKeyHandle(p11, session, alias), a);
            } catch (PKCS11Exception | TokenException e) {
                // CKR_ATTRIBUTE_TYPE_INVALID: a module without the attribute never asks for it; a key this search
                // cannot single out signs as before, through SunPKCS11
                return false;
            }
            // the wrapper hands CKA_ALWAYS_AUTHENTICATE back as the raw CK_BBOOL octet, not as a Boolean
            return switch (a[0].pValue) {
                case Boolean b -> b;
                case byte[] b -> b.length == 1 && b[0] != 0;
                case null, default -> false;
            };
        } finally {
            p11.C_CloseSession(session);
        }
    }

    private static long[] find(PKCS11 p11, long session, CK_ATTRIBUTE[] template) throws Exception {
        p11.C_FindObjectsInit(session, template);
        try {
            return p11.C_FindObjects(session, MAX_OBJECTS);
        } finally {
            p11.C_FindObjectsFinal(session);
        }
    }
}
