package io.ikeseal.hsm.api;

import javax.security.auth.Destroyable;

/**
 * An IKE SA's keys (RFC 7296 §2.14): SK_d stays a {@link Secret} of the key-exchange token (it keys every CHILD_SA
 * and the IKE SA rekey); the six keys that protect and authenticate IKE messages are host keys. The owner destroys
 * them all when the IKE SA is deleted or rekeyed.
 */
public record IkeSaSecrets(
        Secret skD, HostKey skAi, HostKey skAr, HostKey skEi, HostKey skEr, HostKey skPi, HostKey skPr)
        implements Destroyable {

    /** Drops SK_d's handle and zeroizes the six host keys. */
    @Override
    public void destroy() {
        skD.destroy();
        skAi.destroy();
        skAr.destroy();
        skEi.destroy();
        skEr.destroy();
        skPi.destroy();
        skPr.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return skD.isDestroyed() && skEi.isDestroyed();
    }
}
