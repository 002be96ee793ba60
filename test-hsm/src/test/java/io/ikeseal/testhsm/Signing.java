package io.ikeseal.testhsm;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Signature;

/** Signs in the token, verifies in software with the certificate's public key. */
final class Signing {
    private Signing() {}

    static boolean signAndVerify(Provider token, IdentityKey id) throws GeneralSecurityException {
        byte[] data = ("IKE_AUTH octets for " + id.alias()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Signature s = Signature.getInstance(id.kind().signatureAlgorithm(), token);
        s.initSign(id.privateKey());
        s.update(data);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(id.kind().signatureAlgorithm());
        v.initVerify(id.certificate().getPublicKey());
        v.update(data);
        return v.verify(sig);
    }
}
