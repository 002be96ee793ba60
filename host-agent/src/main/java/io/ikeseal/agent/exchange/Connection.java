package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.ikeseal.agent.auth.LocalAuthenticator;
import io.ikeseal.agent.config.ConnectionConfig;

/**
 * A configured connection with its credentials looked up in the tokens: what the exchanges need to act on it.
 *
 * @param localAuth   how we sign or MAC our AUTH payload
 * @param description of {@code localAuth} for logs, e.g. "ECDSA P-256 key 'gateway-ecdsa' on token smartcard"
 */
public record Connection(ConnectionConfig config, LocalAuthenticator localAuth, String description) {

    public String name() {
        return config.name();
    }

    /** How our AUTH payload was made, for logs: e.g. "EC_P256 key 'gw' on token smartcard, ECDSA_SHA256 (method 14)". */
    String authUsed(int method, java.util.Set<io.ikeseal.hsm.sign.HashAlgorithm> peerHashes) {
        String how = localAuth instanceof LocalAuthenticator.TokenSignature t
                ? t.scheme(peerHashes).name()
                : "shared key MIC";
        return description + ", " + how + " (method " + method + ")";
    }

    /** Whether a message between these addresses may belong to this connection (responder side). */
    public boolean matches(InetAddress local, InetSocketAddress remote) {
        if (!config.localAddress().equals(local)) {
            return false;
        }
        // A peer behind a NAT comes from another port, and charon moves to its NAT-T port (docs/strongswan-peer.md):
        // the address decides, never the port.
        return config.remote() == null || config.remote().getAddress().equals(remote.getAddress());
    }
}
