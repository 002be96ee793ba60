package io.ikeseal.agent.proposal;

import io.ikeseal.agent.wire.Proposal;

/**
 * A proposal the responder accepted: the negotiated suite and the proposal to send back, which carries the
 * initiator's Proposal Num and exactly one transform of each type (RFC 7296 §3.3.1, §2.7).
 *
 * @param peerSpi the SPI the initiator's proposal carried (its inbound ESP SPI; empty in IKE_SA_INIT)
 */
public record Selected<T>(T suite, Proposal response, byte[] peerSpi) {

    /** The response proposal with our SPI in it (for ESP, our inbound SPI). */
    public Proposal responseWithSpi(byte[] ourSpi) {
        return new Proposal(response.number(), response.protocolId(), ourSpi, response.transforms());
    }
}
