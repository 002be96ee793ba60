package io.ikeseal.hsm.api;

import javax.security.auth.Destroyable;

/**
 * Our half of one Diffie-Hellman exchange (RFC 7296 §1.2, §3.4): the group and the public value we send in the KE
 * payload; the private value stays with the {@link IkeCrypto} that generated it. Single use: the key agreement
 * consumes it.
 */
public interface KeyShare extends Destroyable {

    DhGroup group();

    /** The public value as the KE payload's Key Exchange Data (a copy). */
    byte[] keyExchangeData();

    @Override
    void destroy();

    @Override
    boolean isDestroyed();
}
