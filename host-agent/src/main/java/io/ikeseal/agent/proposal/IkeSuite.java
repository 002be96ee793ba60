package io.ikeseal.agent.proposal;

import io.ikeseal.agent.protect.IntegrityAlgorithm;
import io.ikeseal.agent.protect.ProtectionSuite;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;

/** The transforms an IKE SA negotiated (RFC 7296 §3.3): how its messages are protected, its PRF and DH group. */
public record IkeSuite(ProtectionSuite protection, Prf prf, DhGroup group) {

    /** In proposal notation, e.g. {@code aes256gcm16-prfsha256-ecp256}. */
    public String describe() {
        StringBuilder b = new StringBuilder(AlgorithmNames.name(
                new ConfiguredProposal.Encryption(protection.encryption(), protection.keyLengthBits())));
        if (protection.integrity() != IntegrityAlgorithm.NONE) {
            b.append('-').append(AlgorithmNames.name(protection.integrity()));
        }
        return b.append('-')
                .append(prf.proposalName())
                .append('-')
                .append(group.proposalName())
                .toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
