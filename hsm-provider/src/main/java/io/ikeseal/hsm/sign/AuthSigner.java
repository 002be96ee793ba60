package io.ikeseal.hsm.sign;

import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.hsm.api.AuditContext;

/**
 * Our AUTH key as the protocol sees it (RFC 7296 §2.15, RFC 7427): its type and certificate chain, and one audited
 * operation that signs "the octets" inside its token and returns the AUTH payload's Authentication Data. The
 * private key never appears; the peer's signature is checked in software ({@link SignatureVerifier}, public keys
 * only). {@link TokenIdentity} is the token-backed one.
 */
public interface AuthSigner {

    /** The key's name in its token (e.g. its label), for logs and errors. */
    String alias();

    KeyType keyType();

    /** The certificate chain, end-entity certificate first (a copy). */
    X509Certificate[] chain();

    /** The end-entity certificate, whose public key verifies our AUTH. */
    default X509Certificate certificate() {
        return chain()[0];
    }

    /** Authentication Data for {@code octets} with {@code scheme}; fails with the token's exception. */
    CompletableFuture<byte[]> sign(SignatureScheme scheme, byte[] octets, AuditContext ctx);
}
