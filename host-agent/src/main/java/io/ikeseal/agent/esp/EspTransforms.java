package io.ikeseal.agent.esp;

import io.ikeseal.agent.proposal.ChildSuite;
import io.ikeseal.hsm.api.HostKey;

/**
 * Makes the ESP halves of a CHILD_SA for its negotiated suite: AES-GCM (RFC 4106), ChaCha20-Poly1305 (RFC 7634),
 * AES-CBC with HMAC-SHA2 (RFC 3602, RFC 4868), each with or without ESN (RFC 4304). The key octets are copied; the
 * HostKeys stay the caller's to destroy.
 */
public final class EspTransforms {
    private EspTransforms() {}

    /**
     * The outbound half, under the peer's SPI.
     *
     * @param encryption the encryption key of this direction, salt included for AEAD (RFC 4106 §8.1)
     * @param integrity  the integrity key (0 octets for AEAD)
     */
    @SuppressWarnings("DoNotCallSuggester") // a seam until the transforms land
    public static EspSealer sealer(ChildSuite suite, HostKey encryption, HostKey integrity, int spi) {
        throw new UnsupportedOperationException("ESP transforms are being written (issue 11)");
    }

    /**
     * The inbound half, under our SPI.
     *
     * @param replayWindow anti-replay window in packets (a multiple of 32), 0 for none
     */
    @SuppressWarnings("DoNotCallSuggester") // a seam until the transforms land
    public static EspOpener opener(ChildSuite suite, HostKey encryption, HostKey integrity, int spi, int replayWindow) {
        throw new UnsupportedOperationException("ESP transforms are being written (issue 11)");
    }
}
