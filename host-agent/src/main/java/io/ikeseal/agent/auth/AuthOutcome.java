package io.ikeseal.agent.auth;

import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * The result of checking a peer's IKE_AUTH: authenticated, or a {@link AuthFailure} with a detail that can be
 * logged and audited (names of IDs, subjects and issuers; never key material, signatures or certificate bodies).
 *
 * @param peer        the identity the peer claimed (null only when it sent none)
 * @param failure     null when authenticated
 * @param detail      what was checked, or why it failed
 * @param certificate the peer's validated end-entity certificate (signature AUTH), else null
 */
public record AuthOutcome(IkeIdentity peer, AuthFailure failure, String detail, X509Certificate certificate) {
    /** Details quote peer-chosen names; bounded so one peer cannot flood a log line or an audit record. */
    static final int MAX_DETAIL = 1024;

    public AuthOutcome {
        Objects.requireNonNull(detail, "detail");
        detail = Loggable.text(detail, MAX_DETAIL);
    }

    static AuthOutcome ok(IkeIdentity peer, String detail, X509Certificate certificate) {
        return new AuthOutcome(peer, null, detail, certificate);
    }

    static AuthOutcome failed(IkeIdentity peer, AuthFailure failure, String detail) {
        return new AuthOutcome(peer, Objects.requireNonNull(failure, "failure"), detail, null);
    }

    public boolean authenticated() {
        return failure == null;
    }

    @Override
    public String toString() {
        return (failure == null ? "authenticated" : "AUTHENTICATION_FAILED " + failure.code()) + " " + peer + ": "
                + detail;
    }
}
