package io.ikeseal.hsm.kx;

import javax.security.auth.Destroyable;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.LiveTokenObjects;
import io.ikeseal.hsm.token.Token;

/**
 * An ephemeral DH key pair generated inside a key-exchange token: the group, the public value as Key Exchange Data
 * (RFC 7296 §3.4) and a handle to the token's private value, which never leaves the token. Single use: the first
 * {@link KeyExchange#agree} takes the private key, and destroying the pair drops the handle; either uncounts it from
 * the token's live objects once. The private key is a {@link DirectKey}: its destroy queues the C_DestroyObject.
 */
public final class DhKeyPair implements Destroyable, io.ikeseal.hsm.api.KeyShare {
    private final Token token;
    private final DhGroup group;
    private final byte[] keyExchangeData;
    private final LiveTokenObjects.Handle<DirectKey> privateKey;

    private final int generation;

    DhKeyPair(Token token, DhGroup group, byte[] keyExchangeData, DirectKey privateKey) {
        this(token, group, keyExchangeData, privateKey, token.liveObjects());
    }

    /** @param counter where the handle counts while it lives: the token's live objects, or a pool's own count */
    DhKeyPair(Token token, DhGroup group, byte[] keyExchangeData, DirectKey privateKey, LiveTokenObjects counter) {
        if (keyExchangeData.length != group.publicValueLength()) {
            throw new IllegalArgumentException("Key Exchange Data for " + group.proposalName() + " must be "
                    + group.publicValueLength() + " octets, was " + keyExchangeData.length);
        }
        this.token = token;
        this.group = group;
        this.keyExchangeData = keyExchangeData.clone();
        this.privateKey = counter.track(privateKey);
        this.generation = privateKey.generation();
    }

    /**
     * The token session generation the private key was made in ({@link io.ikeseal.hsm.token.TokenHealth}); a reopened
     * token does not know it. Kept apart from the handle, which a hand-out or use releases.
     */
    int generation() {
        return generation;
    }

    /**
     * The same pair as a new handle counted among the token's live objects; this handle is released (uncounted from
     * where it counted), so the pair is handed out once at most. Null if it was used or destroyed.
     */
    DhKeyPair handOut() {
        DirectKey k = privateKey.release();
        return k == null ? null : new DhKeyPair(token, group, keyExchangeData, k, token.liveObjects());
    }

    @Override
    public DhGroup group() {
        return group;
    }

    /** The token holding the private value. */
    public Token token() {
        return token;
    }

    /** The public value as the KE payload's Key Exchange Data (a copy). */
    @Override
    public byte[] keyExchangeData() {
        return keyExchangeData.clone();
    }

    /** Takes the private key for its one use and destroys the pair; fails if it was used or destroyed before. */
    DirectKey take() {
        DirectKey k = privateKey.release(); // uncounted here: the agreement that takes it drops it when done
        if (k == null) {
            throw new IllegalStateException("DH key pair " + group.proposalName() + " on token " + token.name()
                    + " was already used or destroyed (single use)");
        }
        return k;
    }

    @Override
    public void destroy() {
        DirectKey k = privateKey.release();
        if (k != null) {
            k.destroy();
        }
    }

    @Override
    public boolean isDestroyed() {
        return privateKey.get() == null;
    }

    @Override
    public String toString() {
        return "DhKeyPair[" + group.proposalName() + ", token " + token.name() + (isDestroyed() ? ", destroyed" : "")
                + "]";
    }
}
