package io.ikeseal.agent.auth;

/**
 * Why a peer did not authenticate. Every one is answered with AUTHENTICATION_FAILED (RFC 7296 §2.21.2); the code
 * goes to the log and the audit record, which never hold secrets, signatures or certificate bodies.
 */
public enum AuthFailure {
    /** The peer's IDi/IDr is not the configured remote identity. */
    ID_MISMATCH("id-mismatch"),
    /** An AUTH method we do not know, or one this peer is not configured for (e.g. PSK where certificates are). */
    AUTH_METHOD("auth-method"),
    /** The signature does not verify with the certificate's key (or its framing is wrong, RFC 7427 §3). */
    SIGNATURE("signature-invalid"),
    /** The shared-key MIC is not prf(prf(PSK, "Key Pad for IKEv2"), octets). */
    PSK_MISMATCH("psk-mismatch"),
    /** Signature AUTH without an X.509 CERT payload. */
    NO_CERTIFICATE("no-certificate"),
    /** A CERT payload that is not one DER certificate, or too many of them. */
    CERTIFICATE_MALFORMED("certificate-malformed"),
    /** No path from the end-entity certificate to a configured trust anchor (bad signature, unknown issuer, ...). */
    CERTIFICATE_UNTRUSTED("certificate-untrusted"),
    /** A certificate of the path has expired. */
    CERTIFICATE_EXPIRED("certificate-expired"),
    /** A certificate of the path is not valid yet. */
    CERTIFICATE_NOT_YET_VALID("certificate-not-yet-valid"),
    /** The end-entity certificate has a key usage extension without digitalSignature. */
    CERTIFICATE_KEY_USAGE("certificate-key-usage"),
    /** The end-entity certificate does not name the peer's ID (subjectAltName or subject DN). */
    CERTIFICATE_ID_MISMATCH("certificate-id-mismatch"),
    /** The peer presented one of our own certificates (or one with our public key). */
    OWN_CERTIFICATE("own-certificate"),
    /** The certificate's key is not one IKE_AUTH verifies (EC P-256/P-384/P-521 or RSA). */
    CERTIFICATE_KEY_TYPE("certificate-key-type"),
    /** The key-exchange token could not recompute the PSK AUTH (the token's own audit record says why). */
    TOKEN("token-failure");

    private final String code;

    AuthFailure(String code) {
        this.code = code;
    }

    /** Stable lower-case code for logs, audit records and metrics. */
    public String code() {
        return code;
    }
}
