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
    /**
     * RSASSA-PSS under method 14 (RFC 8247 §3.2 recommends it over PKCS#1 v1.5), and method 1 only for peers that do
     * not announce RFC 7427 hashes, which RFC 8247 still requires to interoperate with.
     */
    public static final SignaturePolicy DEFAULT = new SignaturePolicy(true, true);
}
