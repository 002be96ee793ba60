package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Set;

import io.ikeseal.agent.proposal.IkeSuite;
import io.ikeseal.agent.wire.CertificateRequestPayload;
import io.ikeseal.agent.wire.Proposal;
import io.ikeseal.hsm.sign.HashAlgorithm;

/**
 * What IKE_SA_INIT settled and IKE_AUTH needs (RFC 7296 §1.2, §2.15): the nonces, the two messages the AUTH
 * payloads sign (RealMessage1/2), the negotiated suite and what the peer announced.
 *
 * @param acceptedProposal responder: the IKE proposal we answered with (a connection must allow it); else null
 */
record IkeSaInitResult(
        byte[] ni,
        byte[] nr,
        byte[] message1,
        byte[] message2,
        IkeSuite suite,
        Proposal acceptedProposal,
        NatDetection.Result nat,
        boolean fragmentation,
        Set<HashAlgorithm> peerHashes,
        List<CertificateRequestPayload> peerCertificateRequests) {
    IkeSaInitResult {
        peerHashes = Set.copyOf(peerHashes);
        peerCertificateRequests = List.copyOf(peerCertificateRequests);
    }

    /**
     * After IKE_AUTH: RealMessage1/2, the nonces (AUTH and the first CHILD_SA's KEYMAT took theirs), the proposal a
     * connection had to allow and the peer's CERTREQs are not needed again; an established SA keeps only what later
     * exchanges read (suite, NAT, fragmentation, the peer's hashes for a rekeyed SA).
     */
    IkeSaInitResult authenticated() {
        return new IkeSaInitResult(null, null, null, null, suite, null, nat, fragmentation, peerHashes, List.of());
    }

    /** After the SA closed. */
    IkeSaInitResult forgetMessagesAndNonces() {
        return new IkeSaInitResult(
                null, null, null, null, suite, acceptedProposal, nat, fragmentation, peerHashes, List.of());
    }
}
