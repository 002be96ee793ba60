package io.ikeseal.hsm.sign;

import java.util.ArrayList;
import java.util.List;

import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;

import io.ikeseal.hsm.token.Token;

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
}
