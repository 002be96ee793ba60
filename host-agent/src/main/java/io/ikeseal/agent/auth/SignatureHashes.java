package io.ikeseal.agent.auth;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.hsm.sign.HashAlgorithm;

/**
 * The SIGNATURE_HASH_ALGORITHMS notification of IKE_SA_INIT (RFC 7427 §4): which hashes a side can verify RFC 7427
 * (method 14) signatures with. Announcing it tells the peer it may use method 14; a peer that sent it gets method 14
 * from us.
 */
public final class SignatureHashes {
    /** What we verify with method 14: SHA-1 has no method 14 scheme here (RFC 8247 §3.2 keeps it out of new uses). */
    private static final List<HashAlgorithm> OURS =
            List.of(HashAlgorithm.SHA2_256, HashAlgorithm.SHA2_384, HashAlgorithm.SHA2_512);

    private SignatureHashes() {}

    /** Our notification, for the IKE_SA_INIT request or response. */
    public static NotifyPayload announcement() {
        return NotifyPayload.signatureHashAlgorithms(
                OURS.stream().map(HashAlgorithm::number).toList());
    }

    /**
     * The hashes the peer announced in the IKE_SA_INIT message {@code notifications} came from; empty if it sent
     * no SIGNATURE_HASH_ALGORITHMS. Numbers we do not know are ignored (RFC 7427 §4).
     */
    public static Set<HashAlgorithm> announcedBy(List<NotifyPayload> notifications) {
        Set<HashAlgorithm> out = EnumSet.noneOf(HashAlgorithm.class);
        for (NotifyPayload n : notifications) {
            if (n.notifyType() == NotifyType.SIGNATURE_HASH_ALGORITHMS) {
                for (int id : n.signatureHashAlgorithmIds()) {
                    HashAlgorithm.of(id).ifPresent(out::add);
                }
            }
        }
        return out;
    }
}
