package io.ikeseal.agent.exchange;

import io.ikeseal.agent.auth.CertificateValidator;
import io.ikeseal.agent.auth.PeerAuthenticator;
import io.ikeseal.agent.auth.SignaturePolicy;
import io.ikeseal.agent.auth.TrustAnchors;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.hsm.api.IkeCrypto;
import io.ikeseal.hsm.audit.AuditSink;

/**
 * What IKE_AUTH checks peers with (RFC 7296 §2.15): trust anchors and the certificate validator, the signature
 * policy, the key-exchange token's PSKs through the port, and the audit log every outcome goes to.
 */
public record Credentials(
        CertificateValidator certificates,
        TrustAnchors anchors,
        SignaturePolicy signatures,
        IkeCrypto crypto,
        AuditSink audit) {

    /** How the peer must authenticate on this connection: its certificate and signature, or the PSK (§2.15). */
    PeerAuthenticator peerAuthenticator(ConnectionConfig config) {
        return config.remoteAuth() == ConnectionConfig.AuthKind.PUBKEY
                ? PeerAuthenticator.certificates(config.remoteId(), certificates, signatures, audit)
                : PeerAuthenticator.psk(config.remoteId(), crypto, config.psk(), audit);
    }
}
