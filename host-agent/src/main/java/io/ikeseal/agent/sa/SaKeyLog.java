package io.ikeseal.agent.sa;

import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.IkeSaSecrets;

/**
 * Where an IKE SA's message keys go when an operator asked for them to debug with Wireshark (docs/operations-wire.md);
 * {@link #NONE}, the default, takes nothing. Called on the SA's executor: an implementation copies what it may write
 * at once (the host keys are zeroized after IKE_AUTH) and must never block.
 */
public interface SaKeyLog {
    SaKeyLog NONE = new SaKeyLog() {};

    /**
     * IKE_SA_INIT (or an IKE SA rekey) produced {@code keys} for the SA with these SPIs (RFC 7296 §2.14). Only the
     * host keys SK_ei/SK_er/SK_ai/SK_ar may be read from it, and only when the daemon's residency tier keeps them on
     * the host.
     */
    default void ikeSaKeyed(long spiI, long spiR, ProtectionSuite suite, IkeSaSecrets keys) {}

    /** The IKE SA ended and its keys were destroyed: what was written for it goes too. */
    default void ikeSaEnded(long spiI, long spiR) {}
}
