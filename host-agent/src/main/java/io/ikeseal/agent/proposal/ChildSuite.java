package io.ikeseal.agent.proposal;

import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.DhGroup;

/**
 * The transforms a CHILD_SA (ESP) negotiated. ESP uses the same encryption and integrity transform registries
 * as IKE (RFC 7296 §3.3.2), and its key material has the same shape: AES-GCM takes key + 4-octet salt
 * (RFC 4106 §8.1), AES-CBC a key plus an HMAC key.
 *
 * @param pfsGroup the DH group of a CREATE_CHILD_SA with PFS, or null
 * @param esn      extended sequence numbers (RFC 4303)
 */
public record ChildSuite(ProtectionSuite protection, DhGroup pfsGroup, boolean esn) {

    /** Octets of KEYMAT for one direction: encryption key (with salt), then integrity key (§2.17). */
    public int keyLengthPerDirection() {
        return protection.encryptionKeyLength() + protection.integrityKeyLength();
    }

    /** Both directions' keys: initiator to responder first (§2.17). */
    public int keymatLength() {
        return 2 * keyLengthPerDirection();
    }

    public String describe() {
        StringBuilder b = new StringBuilder(AlgorithmNames.name(
                new ConfiguredProposal.Encryption(protection.encryption(), protection.keyLengthBits())));
        if (protection.integrity() != IntegrityAlgorithm.NONE) {
            b.append('-').append(AlgorithmNames.name(protection.integrity()));
        }
        if (pfsGroup != null) {
            b.append('-').append(pfsGroup.proposalName());
        }
        return b.append(esn ? "-esn" : "").toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
