package io.ikeseal.agent.auth;

/**
 * Configuration of signature AUTH.
 *
 * @param preferRsaPss  sign method 14 with RSASSA-PSS rather than PKCS#1 v1.5 when our key is RSA (RFC 7427 lets
 *                      either be used; strongSwan verifies both and signs PSS only when configured to)
 * @param allowRsaSha1  use and accept method 1 (RSA PKCS#1 v1.5 with SHA-1, RFC 7296 §3.8) with peers that do not
 *                      announce RFC 7427 hashes; off, such peers cannot authenticate with RSA at all
 */
public record SignaturePolicy(boolean preferRsaPss, boolean allowRsaSha1) {
    /** Interoperable with RFC 7296-only peers (RFC 8247 §3.2 still requires method 1), PKCS#1 v1.5 under method 14. */
    public static final SignaturePolicy DEFAULT = new SignaturePolicy(false, true);
}
