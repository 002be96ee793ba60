package io.ikeseal.agent.auth;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.sign.AuthMethod;
import io.ikeseal.hsm.sign.SignatureVerifier;

/**
 * Checks the peer's IKE_AUTH: its ID against the configured remote identity, then either its certificates
 * ({@link CertificateValidator}) and signature ({@link SignatureVerifier}, with the end-entity certificate's key),
 * or its shared-key MIC, recomputed in the key-exchange token and compared in constant time. A bad AUTH is an
 * {@link AuthOutcome}, never an exception; every outcome is audited ({@link AuthAudit}) before it is released.
 *
 * <p>Certificates and signatures are checked on the calling thread (public-key operations, no I/O; ECDSA P-256
 * perhaps by a token's C_Verify, only if one was measured clearly faster than the host, docs/performance.md); the PSK
 * check runs on the token's executor.
 */
public final class PeerAuthenticator {
    private final IkeIdentity expected;
    private final Method method;
    private final AuditSink audit;

    private sealed interface Method {}

    private record Certificates(CertificateValidator validator, SignaturePolicy policy) implements Method {}

    private record Psk(IkeCrypto crypto, String name) implements Method {}

    private PeerAuthenticator(IkeIdentity expected, Method method, AuditSink audit) {
        this.expected = expected;
        this.method = method;
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * A peer that signs AUTH with a certified key.
     *
     * @param expected the configured remote identity, or null to accept any ID its certificate names
     */
    public static PeerAuthenticator certificates(
            IkeIdentity expected, CertificateValidator validator, SignaturePolicy policy, AuditSink audit) {
        return new PeerAuthenticator(
                expected,
                new Certificates(
                        Objects.requireNonNull(validator, "validator"), Objects.requireNonNull(policy, "policy")),
                audit);
    }

    /**
     * A peer that proves the pre-shared key {@code name} of the key-exchange token behind {@code crypto}.
     *
     * @param expected the configured remote identity, or null to accept any ID (the PSK alone then authenticates)
     */
    public static PeerAuthenticator psk(IkeIdentity expected, IkeCrypto crypto, String name, AuditSink audit) {
        return new PeerAuthenticator(
                expected,
                new Psk(Objects.requireNonNull(crypto, "crypto"), Objects.requireNonNull(name, "name")),
                audit);
    }

    /**
     * An authentication refused before any check could run, e.g. because no configured connection accepts the
     * identity the peer claims; audited like every other outcome.
     *
     * @param claimed the peer's claimed identity, or null if it did not parse
     */
    public static CompletableFuture<AuthOutcome> refused(
            IkeIdentity claimed,
            AuthFailure failure,
            String detail,
            String mechanism,
            AuditSink audit,
            AuditContext ctx) {
        return AuthAudit.record(
                audit, AuthOutcome.failed(claimed, failure, detail), mechanism, ctx, Instant.now(), System.nanoTime());
    }

    /**
     * Checks the peer's AUTH payload (RFC 7296 §2.15) and, for signatures, its certificates.
     *
     * @param id           the peer's IDi (we are responder) or IDr (we are initiator)
     * @param certificates its CERT payloads in message order (ignored for PSK)
     * @param auth         its AUTH payload
     * @param octets       what its AUTH covers: {@link SignedOctets#initiator} for the initiator's AUTH,
     *                     {@link SignedOctets#responder} for the responder's, built with {@code id}
     * @param prf          the IKE SA's PRF
     * @return the audited outcome; fails only if the audit record cannot be written
     */
    public CompletableFuture<AuthOutcome> verify(
            IdentificationPayload id,
            List<CertificatePayload> certificates,
            AuthenticationPayload auth,
            byte[] octets,
            Prf prf,
            AuditContext ctx) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(auth, "auth");
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        String mechanism = AuthMethod.of(auth.method()).map(Enum::name).orElse("AUTH method " + auth.method());
        IkeIdentity peer;
        try {
            peer = IkeIdentity.of(id);
        } catch (IllegalArgumentException e) {
            return audited(
                    AuthOutcome.failed(null, AuthFailure.ID_MISMATCH, e.getMessage()), mechanism, ctx, start, t0);
        }
        if (expected != null && !expected.matches(peer)) {
            return audited(
                    AuthOutcome.failed(
                            peer,
                            AuthFailure.ID_MISMATCH,
                            id.kind().rfcName() + " " + peer + " is not the configured " + expected),
                    mechanism,
                    ctx,
                    start,
                    t0);
        }
        AuthMethod m = AuthMethod.of(auth.method()).orElse(null);
        if (m == null) {
            return audited(
                    AuthOutcome.failed(peer, AuthFailure.AUTH_METHOD, "unknown auth method " + auth.method()),
                    mechanism,
                    ctx,
                    start,
                    t0);
        }
        return switch (method) {
            case Certificates c -> {
                SignatureCheck s = signature(peer, c, m, certificates, auth, octets);
                yield audited(s.outcome(), s.mechanism() != null ? s.mechanism() : mechanism, ctx, start, t0);
            }
            case Psk p ->
                psk(peer, p, m, auth, octets, prf, ctx)
                        .thenCompose(o -> audited(o, m.name() + "/" + prf.proposalName(), ctx, start, t0));
        };
    }

    private record SignatureCheck(AuthOutcome outcome, String mechanism) {}

    private static SignatureCheck signature(
            IkeIdentity peer,
            Certificates c,
            AuthMethod m,
            List<CertificatePayload> certificates,
            AuthenticationPayload auth,
            byte[] octets) {
        if (!m.isSignature()) {
            return new SignatureCheck(
                    AuthOutcome.failed(
                            peer,
                            AuthFailure.AUTH_METHOD,
                            m + " (method " + m.number() + "), but this peer authenticates with a certificate"),
                    null);
        }
        if (m == AuthMethod.RSA_DIGITAL_SIGNATURE && !c.policy().allowRsaSha1()) {
            return new SignatureCheck(
                    AuthOutcome.failed(peer, AuthFailure.AUTH_METHOD, "method 1 (RSA with SHA-1) is not allowed"),
                    null);
        }
        AuthOutcome cert = c.validator().validate(peer, certificates);
        if (!cert.authenticated()) {
            return new SignatureCheck(cert, null);
        }
        SignatureVerifier.Result r =
                c.validator().signatures().checkAuth(m, cert.certificate().getPublicKey(), octets, auth.data());
        // a token that did the arithmetic is named in the peer-auth record (docs/performance.md)
        String scheme = r.scheme() == null
                ? null
                : r.engine() != null && !r.engine().equals("host")
                        ? r.scheme().name() + " (C_Verify in " + r.engine() + ")"
                        : r.scheme().name();
        if (!r.valid()) {
            return new SignatureCheck(
                    AuthOutcome.failed(
                            peer,
                            AuthFailure.SIGNATURE,
                            r.reason() + " (" + CertificateValidator.describe(cert.certificate()) + ")"),
                    scheme);
        }
        return new SignatureCheck(
                AuthOutcome.ok(peer, scheme + " signature by " + cert.detail(), cert.certificate()), scheme);
    }

    private static CompletableFuture<AuthOutcome> psk(
            IkeIdentity peer,
            Psk p,
            AuthMethod m,
            AuthenticationPayload auth,
            byte[] octets,
            Prf prf,
            AuditContext ctx) {
        if (m != AuthMethod.SHARED_KEY_MIC) {
            return CompletableFuture.completedFuture(AuthOutcome.failed(
                    peer,
                    AuthFailure.AUTH_METHOD,
                    m + " (method " + m.number() + "), but this peer authenticates with pre-shared key '" + p.name()
                            + "'"));
        }
        return p.crypto().pskAuth(p.name(), prf, octets, ctx).handle((mine, error) -> {
            if (error != null) {
                Throwable cause =
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                return AuthOutcome.failed(
                        peer,
                        AuthFailure.TOKEN,
                        "pre-shared key '" + p.name() + "' could not be " + "used: " + cause.getMessage());
            }
            return MessageDigest.isEqual(mine, auth.data())
                    ? AuthOutcome.ok(peer, "pre-shared key '" + p.name() + "'", null)
                    : AuthOutcome.failed(
                            peer,
                            AuthFailure.PSK_MISMATCH,
                            "AUTH is not the MIC of pre-shared key '" + p.name() + "' over the octets");
        });
    }

    private CompletableFuture<AuthOutcome> audited(
            AuthOutcome outcome, String mechanism, AuditContext ctx, Instant start, long t0) {
        return AuthAudit.record(audit, outcome, mechanism, ctx, start, t0);
    }
}
