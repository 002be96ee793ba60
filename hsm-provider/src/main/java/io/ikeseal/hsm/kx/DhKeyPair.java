package io.ikeseal.hsm.kx;

import java.security.PrivateKey;

import javax.security.auth.Destroyable;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.token.LiveTokenObjects;
import io.ikeseal.hsm.token.Token;

/**
 * An ephemeral DH key pair generated inside a key-exchange token: the group, the public value as Key Exchange Data
 * (RFC 7296 §3.4) and a handle to the token's private value, which never leaves the token. Single use: the first
 * {@link KeyExchange#agree} takes the private key, and destroying the pair drops the handle; either uncounts it from
 * the token's live objects once (SunPKCS11 destroys the session object when the handle is collected).
 */
public final class DhKeyPair implements Destroyable, io.ikeseal.hsm.api.KeyShare {
    private final Token token;
    private final DhGroup group;
    private final byte[] keyExchangeData;
    private final LiveTokenObjects.Handle<PrivateKey> privateKey;

    DhKeyPair(Token token, DhGroup group, byte[] keyExchangeData, PrivateKey privateKey) {
        if (keyExchangeData.length != group.publicValueLength()) {
            throw new IllegalArgumentException("Key Exchange Data for " + group.proposalName() + " must be "
                    + group.publicValueLength() + " octets, was " + keyExchangeData.length);
        }
        this.token = token;
        this.group = group;
        this.keyExchangeData = keyExchangeData.clone();
        this.privateKey = token.liveObjects().track(privateKey);
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
    PrivateKey take() {
        PrivateKey k = privateKey.release(); // uncounted here: the agreement that takes it drops it when done
        if (k == null) {
            throw new IllegalStateException("DH key pair " + group.proposalName() + " on token " + token.name()
                    + " was already used or destroyed (single use)");
        }
        return k;
    }

    @Override
    public void destroy() {
        privateKey.release();
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
