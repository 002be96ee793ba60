package io.ikeseal.agent.auth;

import org.bouncycastle.util.Arrays;

import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;

/**
 * What AUTH signs or MACs (RFC 7296 §2.15):
 * <pre>
 * InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI,  MACedIDForI = prf(SK_pi, RestOfInitIDPayload)
 * ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR,  MACedIDForR = prf(SK_pr, RestOfRespIDPayload)
 * </pre>
 * RealMessage1/2 are the IKE_SA_INIT request and response octets exactly as sent or received, the final ones after
 * any COOKIE or INVALID_KE_PAYLOAD retry (§2.6, §1.2); the nonces are the Nonce payloads' data. Both sides build
 * the same octets: one for its own AUTH, the other to check the peer's. SK_pi/SK_pr are host keys, so the MACed ID
 * is computed here ({@link HostPrf}).
 */
public final class SignedOctets {
    private SignedOctets() {}

    /** The octets of the initiator's AUTH: the first IKE_SA_INIT request, the responder's nonce, the MACed IDi. */
    public static byte[] initiator(
            byte[] realMessage1, byte[] nonceRData, Prf prf, HostKey skPi, IdentificationPayload idi) {
        return of(realMessage1, nonceRData, macedId(prf, skPi, "SK_pi", PayloadType.IDI, idi));
    }

    /** The octets of the responder's AUTH: the IKE_SA_INIT response, the initiator's nonce, the MACed IDr. */
    public static byte[] responder(
            byte[] realMessage2, byte[] nonceIData, Prf prf, HostKey skPr, IdentificationPayload idr) {
        return of(realMessage2, nonceIData, macedId(prf, skPr, "SK_pr", PayloadType.IDR, idr));
    }

    /** RealMessage | Nonce | MACedID. */
    static byte[] of(byte[] realMessage, byte[] nonceData, byte[] macedId) {
        if (realMessage.length == 0 || nonceData.length == 0) {
            throw new IllegalArgumentException("signed octets need the IKE_SA_INIT message and the peer's nonce");
        }
        return Arrays.concatenate(realMessage, nonceData, macedId);
    }

    /**
     * prf(SK_px, RestOfIDPayload). Refuses the other direction's key or ID payload, so swapping SK_pi and SK_pr
     * (which both sides would do alike, and then still agree) fails loudly instead of interoperating with nobody.
     */
    private static byte[] macedId(Prf prf, HostKey skP, String keyName, PayloadType kind, IdentificationPayload id) {
        if (!skP.name().equals(keyName)) {
            throw new IllegalArgumentException(
                    "MACed ID for " + kind.rfcName() + " is keyed with " + keyName + ", not " + skP.name());
        }
        if (id.kind() != kind) {
            throw new IllegalArgumentException("MACed ID with " + keyName + " covers " + kind.rfcName() + ", not "
                    + id.kind().rfcName());
        }
        if (skP.length() != prf.outputLength()) {
            throw new IllegalArgumentException(keyName + " is " + skP.length() + " octets; " + prf.proposalName()
                    + " keys it with " + prf.outputLength() + " (RFC 7296 §2.14)");
        }
        return HostPrf.prf(prf, skP, id.restOfPayload());
    }
}
