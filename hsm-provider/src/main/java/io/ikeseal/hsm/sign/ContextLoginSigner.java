package io.ikeseal.hsm.sign;

import java.security.MessageDigest;

import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.CK_RSA_PKCS_PSS_PARAMS;
import sun.security.pkcs11.wrapper.Functions;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.token.Token;

/**
 * Signs with a CKA_ALWAYS_AUTHENTICATE key (docs/operations-pin.md, "Keys that ask for the PIN at every signature").
 * Such a key needs C_Login(CKU_CONTEXT_SPECIFIC) between C_SignInit and C_Sign on the same session; SunPKCS11's
 * Signature runs both inside one call and never does it, and the token then answers CKR_USER_NOT_LOGGED_IN. So this
 * runs the operation itself in a session of its own on SunPKCS11's module wrapper (the module, and so the user login,
 * is the one the token's provider uses) and logs in in between through {@link Token#contextSpecificLogin}. Its output
 * is what SunPKCS11's Signature would have returned: DER for ECDSA, the signature value for RSA.
 */
final class ContextLoginSigner {
    private ContextLoginSigner() {}

    /** Call inside a token call. {@code mechanism} is the PKCS#11 mechanism TokenSigner chose for the scheme. */
    static byte[] sign(
            TokenIdentity identity, SignatureScheme scheme, String mechanism, byte[] octets, AuditContext context)
            throws Exception {
        Token token = identity.token();
        boolean raw = mechanism.equals("CKM_ECDSA")
                || mechanism.equals("CKM_RSA_PKCS")
                || mechanism.equals("CKM_RSA_PKCS_PSS");
        byte[] input = raw ? hashed(scheme, mechanism, octets) : octets;
        CK_MECHANISM mech = new CK_MECHANISM(Functions.getMechanismId(mechanism));
        if (scheme.family() == SignatureScheme.Family.RSA_PSS) {
            String hash = scheme.hash().jcaName();
            mech.setParameter(
                    new CK_RSA_PKCS_PSS_PARAMS(hash, "MGF1", hash, scheme.hash().length()));
        }
        PKCS11 p11 = token.module();
        long session = p11.C_OpenSession(token.slot().slotId(), PKCS11Constants.CKF_SERIAL_SESSION, null, null);
        try {
            long key = TokenObjects.privateKeyHandle(p11, session, identity.alias());
            p11.C_SignInit(session, mech, key);
            token.contextSpecificLogin(p11, session, identity.alias(), context);
            byte[] signature = p11.C_Sign(session, input);
            return scheme.family() == SignatureScheme.Family.ECDSA
                    ? EcdsaSignatureEncoding.rawToDer(signature) // PKCS#11 ECDSA gives r|s
                    : signature;
        } finally {
            p11.C_CloseSession(session); // also ends an operation a failed login left open
        }
    }

    /** The input of a raw mechanism: the hash (ECDSA, PSS) or the DigestInfo (RSASSA-PKCS1-v1_5, RFC 8017 §9.2). */
    private static byte[] hashed(SignatureScheme scheme, String mechanism, byte[] octets) throws Exception {
        byte[] digest =
                MessageDigest.getInstance(scheme.hash().jcaName(), "SUN").digest(octets);
        if (!mechanism.equals("CKM_RSA_PKCS")) {
            return digest;
        }
        byte[] prefix = scheme.hash().digestInfoPrefix();
        byte[] out = new byte[prefix.length + digest.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(digest, 0, out, prefix.length, digest.length);
        return out;
    }
}
