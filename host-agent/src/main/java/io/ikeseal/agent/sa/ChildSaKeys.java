package io.ikeseal.agent.sa;

import javax.security.auth.Destroyable;

import io.ikeseal.hsm.api.HostKey;

/**
 * A CHILD_SA's ESP keys, split from KEYMAT (RFC 7296 §2.17): for each direction the encryption key (with its salt
 * for AES-GCM, RFC 4106 §8.1) and the integrity key (empty for AEAD). "Initiator" is the initiator of the exchange
 * that created the CHILD_SA. The installer reads them during {@link ChildSaInstaller#install} and the caller destroys
 * them right after.
 */
public record ChildSaKeys(
        HostKey encryptionInitiator,
        HostKey integrityInitiator,
        HostKey encryptionResponder,
        HostKey integrityResponder)
        implements Destroyable {

    /** The encryption key we send with: initiator-to-responder exactly when we initiated the exchange (§2.17). */
    public HostKey outboundEncryption(boolean initiator) {
        return initiator ? encryptionInitiator : encryptionResponder;
    }

    /** The integrity key we send with. */
    public HostKey outboundIntegrity(boolean initiator) {
        return initiator ? integrityInitiator : integrityResponder;
    }

    /** The encryption key the peer sends with. */
    public HostKey inboundEncryption(boolean initiator) {
        return initiator ? encryptionResponder : encryptionInitiator;
    }

    /** The integrity key the peer sends with. */
    public HostKey inboundIntegrity(boolean initiator) {
        return initiator ? integrityResponder : integrityInitiator;
    }

    @Override
    public void destroy() {
        encryptionInitiator.destroy();
        integrityInitiator.destroy();
        encryptionResponder.destroy();
        integrityResponder.destroy();
    }

    @Override
    public boolean isDestroyed() {
        return encryptionInitiator.isDestroyed() && encryptionResponder.isDestroyed();
    }

    @Override
    public String toString() {
        return "ChildSaKeys[" + encryptionInitiator.length() + "+" + integrityInitiator.length() + " octets each way]";
    }
}
