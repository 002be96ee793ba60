package io.ikeseal.hsm.api;

import javax.security.auth.Destroyable;

/**
 * An opaque handle to a secret that never reaches the protocol layer as bytes: g^ir, SKEYSEED, SK_d, a PSK's key
 * pad (RFC 7296 §2.14, §2.15). Compare BouncyCastle's {@code TlsSecret}: it can be named, measured and destroyed,
 * and handed back to the {@link IkeCrypto} that made it; there is no accessor to its value.
 */
public interface Secret extends Destroyable {

    /** The secret's role, e.g. "SK_d"; used as the audit key reference. */
    String name();

    /** Length in octets as the RFC defines it. */
    int length();

    /** Drops the handle; later use fails. */
    @Override
    void destroy();

    @Override
    boolean isDestroyed();
}
