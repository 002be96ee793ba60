package io.ikeseal.agent.exchange;

/**
 * What IKE_AUTH settled about who is who (RFC 7296 §2.15), for logs, events and {@code ikeseal} output: how we
 * authenticated, and the peer's identity with how it authenticated. Names only, never AUTH data or keys.
 *
 * <p>Interned: every SA of a connection describes our authentication in the same words, and every SA of one peer
 * (its rekeys, its reconnections) its identity and certificate; an established SA should not keep its own copy.
 */
final class SaAuthentication {
    private String local;
    private String peerId;
    private String remote;

    /** How our AUTH payload was made, e.g. "EC_P256 key 'gw' on token smartcard, ECDSA_SHA256 (method 14)". */
    void local(String how) {
        local = how == null ? null : how.intern();
    }

    /** The peer's authenticated identity and how it proved it. */
    void peer(String id, String how) {
        peerId = id == null ? null : id.intern();
        remote = how == null ? null : how.intern();
    }

    String local() {
        return local;
    }

    String peerId() {
        return peerId;
    }

    String remote() {
        return remote;
    }
}
