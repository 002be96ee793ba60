package io.ikeseal.agent.auth;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.sign.AuthMethod;
import io.ikeseal.hsm.sign.AuthSigner;
import io.ikeseal.hsm.sign.HashAlgorithm;
import io.ikeseal.hsm.sign.SignatureScheme;

/**
 * How we prove our identity in IKE_AUTH (RFC 7296 §2.15): by a signature in the identity token, or by a pre-shared
 * key in the key-exchange token. Either way the secret stays in its token; every token call is audited with the
 * SA's {@link AuditContext}.
 */
public sealed interface LocalAuthenticator {

    static LocalAuthenticator signature(AuthSigner identity, SignaturePolicy policy) {
        return new TokenSignature(identity, policy);
    }

    static LocalAuthenticator psk(IkeCrypto crypto, String name) {
        return new TokenPsk(crypto, name);
    }

    /**
     * Our AUTH payload over {@code octets} ({@link SignedOctets#initiator} or {@link SignedOctets#responder}).
     *
     * @param prf        the IKE SA's PRF (used by PSK AUTH)
     * @param peerHashes what the peer announced in SIGNATURE_HASH_ALGORITHMS ({@link SignatureHashes#announcedBy})
     * @return fails with the token's exception, or with IllegalStateException if the policy leaves no way to sign
     */
    CompletableFuture<AuthenticationPayload> authenticate(
            byte[] octets, Prf prf, Set<HashAlgorithm> peerHashes, AuditContext ctx);

    /** Our CERT payloads to send with this AUTH ({@link OwnCertificates#payloads}); none for PSK. */
    List<CertificatePayload> certificates();

    /**
     * Signature AUTH by a token key: method 14 (RFC 7427) when the peer announced a hash we share, else the key's
     * legacy method, 9/10/11 for ECDSA by curve (RFC 4754) or 1 for RSA (PKCS#1 v1.5 with SHA-1, as strongSwan signs
     * and verifies method 1).
     */
    record TokenSignature(AuthSigner identity, SignaturePolicy policy) implements LocalAuthenticator {
        public TokenSignature {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(policy, "policy");
        }

        /** The scheme {@link #authenticate} signs with for a peer that announced {@code peerHashes}. */
        public SignatureScheme scheme(Set<HashAlgorithm> peerHashes) {
            SignatureScheme s = SignatureScheme.select(identity.keyType(), peerHashes, policy.preferRsaPss());
            if (s.method() == AuthMethod.RSA_DIGITAL_SIGNATURE && !policy.allowRsaSha1()) {
                throw new IllegalStateException("the peer announced no RFC 7427 hash for RSA key '" + identity.alias()
                        + "' and method 1 (RSA with SHA-1) is not allowed");
            }
            return s;
        }

        @Override
        public CompletableFuture<AuthenticationPayload> authenticate(
                byte[] octets, Prf prf, Set<HashAlgorithm> peerHashes, AuditContext ctx) {
            SignatureScheme s;
            try {
                s = scheme(peerHashes);
            } catch (IllegalStateException e) {
                return CompletableFuture.failedFuture(e);
            }
            return identity.sign(s, octets, ctx)
                    .thenApply(data -> new AuthenticationPayload(s.method().number(), data));
        }

        @Override
        public List<CertificatePayload> certificates() {
            return OwnCertificates.payloads(identity);
        }
    }

    /** Shared Key Message Integrity Code (method 2) with a PSK of the key-exchange token. */
    record TokenPsk(IkeCrypto crypto, String name) implements LocalAuthenticator {
        public TokenPsk {
            Objects.requireNonNull(crypto, "crypto");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public CompletableFuture<AuthenticationPayload> authenticate(
                byte[] octets, Prf prf, Set<HashAlgorithm> peerHashes, AuditContext ctx) {
            return crypto.pskAuth(name, prf, octets, ctx)
                    .thenApply(mac -> new AuthenticationPayload(AuthMethod.SHARED_KEY_MIC.number(), mac));
        }

        @Override
        public List<CertificatePayload> certificates() {
            return List.of();
        }
    }
}
