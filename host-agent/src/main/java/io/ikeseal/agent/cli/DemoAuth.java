package io.ikeseal.agent.cli;

import static io.ikeseal.hsm.token.Token.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.auth.AuthOutcome;
import io.ikeseal.agent.auth.CertificateValidator;
import io.ikeseal.agent.auth.HostPrf;
import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.auth.LocalAuthenticator;
import io.ikeseal.agent.auth.OwnCertificates;
import io.ikeseal.agent.auth.PeerAuthenticator;
import io.ikeseal.agent.auth.SignatureHashes;
import io.ikeseal.agent.auth.SignaturePolicy;
import io.ikeseal.agent.auth.SignedOctets;
import io.ikeseal.agent.auth.TrustAnchors;
import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.schedule.Prf;
import io.ikeseal.hsm.sign.HashAlgorithm;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.token.Token;

/** The demo's two AUTH computations (RFC 7296 §2.15) through io.ikeseal.agent.auth, and their checks. */
final class DemoAuth {
    /** The demo signs RSA keys with RSASSA-PSS, as a gateway configured for it would. */
    static final SignaturePolicy POLICY = new SignaturePolicy(true, true);

    record Outcome(String scheme, IkeIdentity idi, AuthOutcome responderCheck) {
    }

    private DemoAuth() {
    }

    /**
     * The initiator's signature AUTH: IDi is the first name of its certificate, AUTH is signed in the smartcard for
     * a responder that announced our SIGNATURE_HASH_ALGORITHMS; the responder then checks it as it would any peer's
     * (certificate against {@code caPem}, ID, signature over the octets built from its own SK_pi).
     */
    static Outcome initiatorSignature(Token smartcard, String keyRef, byte[] message1, byte[] nr, Prf prf,
                                      DemoParty initiator, DemoParty responder, Path caPem) {
        TokenIdentity id = await(TokenIdentity.lookup(smartcard, keyRef, initiator.context));
        IkeIdentity me = IkeIdentity.ofCertificate(id.certificate()).getFirst();
        IdentificationPayload idi = me.toPayload(PayloadType.IDI);
        Set<HashAlgorithm> responderHashes = SignatureHashes.announcedBy(List.of(SignatureHashes.announcement()));
        var local = (LocalAuthenticator.TokenSignature) LocalAuthenticator.signature(id, POLICY);
        AuthenticationPayload auth = await(local.authenticate(
                SignedOctets.initiator(message1, nr, prf, initiator.keys.skPi(), idi), prf, responderHashes,
                initiator.context));

        PeerAuthenticator check = PeerAuthenticator.certificates(me, new CertificateValidator(TrustAnchors.load(caPem),
                OwnCertificates.NONE), POLICY, smartcard.audit());
        byte[] octets = SignedOctets.initiator(message1, nr, prf, responder.keys.skPi(), idi);
        AuthOutcome outcome = await(check.verify(idi, local.certificates(), auth, octets, prf, responder.context));
        return new Outcome(local.scheme(responderHashes).name(), me, outcome);
    }

    /** The responder's PSK AUTH over its octets, computed in the key-exchange token. */
    static byte[] responderPsk(Token hsm, String pskName, byte[] message2, byte[] ni, Prf prf, DemoParty responder,
                               IdentificationPayload idr) {
        byte[] octets = SignedOctets.responder(message2, ni, prf, responder.keys.skPr(), idr);
        return await(LocalAuthenticator.psk(new PresharedKeys(hsm), pskName)
                .authenticate(octets, prf, Set.of(), responder.context)).data();
    }

    /** What a software peer holding the PSK computes, over the octets built from its own SK_pr. */
    static byte[] softwarePskAuth(Prf prf, byte[] psk, byte[] message2, byte[] ni, DemoParty initiator,
                                  IdentificationPayload idr) {
        byte[] pad = HostPrf.prf(prf, psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
        try {
            return HostPrf.prf(prf, pad, SignedOctets.responder(message2, ni, prf, initiator.keys.skPr(), idr));
        } finally {
            Arrays.fill(pad, (byte) 0);
            Arrays.fill(psk, (byte) 0);
        }
    }
}
