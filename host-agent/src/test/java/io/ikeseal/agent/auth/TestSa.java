package io.ikeseal.agent.auth;

import java.security.SecureRandom;
import java.util.HexFormat;

import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.WiresharkCaptures;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;

/**
 * The inputs of both AUTH payloads of one IKE SA: a real IKE_SA_INIT exchange (Wireshark's aes256gcm16 capture,
 * frames 1 and 2, with their nonces) and fresh SK_pi/SK_pr of the PRF's length, as the key schedule hands them to
 * the host.
 */
record TestSa(
        Prf prf, byte[] message1, byte[] message2, byte[] ni, byte[] nr, HostKey skPi, HostKey skPr, AuditContext ctx) {
    static final String CAPTURE = "ikev2-decrypt-aes256gcm16";
    private static final SecureRandom RANDOM = new SecureRandom();

    static TestSa of(Prf prf, String peer) {
        byte[] m1 = WiresharkCaptures.frame(CAPTURE, 1);
        byte[] m2 = WiresharkCaptures.frame(CAPTURE, 2);
        return new TestSa(prf, m1, m2, nonce(m1), nonce(m2), key("SK_pi", prf), key("SK_pr", prf), newSa(peer));
    }

    /** A fresh SA's audit context (random SPIs), so each test finds its own audit records. */
    static AuditContext newSa(String peer) {
        byte[] spis = new byte[16];
        RANDOM.nextBytes(spis);
        return new AuditContext(
                HexFormat.of().formatHex(spis, 0, 8), HexFormat.of().formatHex(spis, 8, 16), peer);
    }

    private static byte[] nonce(byte[] message) {
        try {
            return IkeMessageCodec.decode(message)
                    .first(NoncePayload.class)
                    .orElseThrow()
                    .nonce();
        } catch (MalformedMessageException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HostKey key(String name, Prf prf) {
        byte[] k = new byte[prf.outputLength()];
        RANDOM.nextBytes(k);
        return new HostKey(name, k);
    }

    /** What the initiator's AUTH covers. */
    byte[] initiatorOctets(IdentificationPayload idi) {
        return SignedOctets.initiator(message1, nr, prf, skPi, idi);
    }

    /** What the responder's AUTH covers. */
    byte[] responderOctets(IdentificationPayload idr) {
        return SignedOctets.responder(message2, ni, prf, skPr, idr);
    }
}
