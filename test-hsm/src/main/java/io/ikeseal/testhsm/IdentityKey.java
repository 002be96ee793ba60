package io.ikeseal.testhsm;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A token-resident signing key and its certificate.
 *
 * @param alias       CKA_LABEL of key and certificate; the KeyStore alias; its UTF-8 bytes are the CKA_ID
 * @param certificate the leaf, issued by a {@link TestCa}
 * @param chain       [leaf, CA certificate]
 * @param privateKey  a SunPKCS11 handle: sensitive, non-extractable, getEncoded() is null
 */
public record IdentityKey(
        String alias, KeyKind kind, X509Certificate certificate, List<X509Certificate> chain, PrivateKey privateKey) {
    public IdentityKey {
        chain = List.copyOf(chain);
    }

    /** The chain as an array, as KeyStore and TLS/IKE APIs want it. */
    public X509Certificate[] chainArray() {
        return chain.toArray(X509Certificate[]::new);
    }
}
