package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.ikeseal.agent.auth.LocalAuthenticator;
import io.ikeseal.agent.auth.SignedOctets;
import io.ikeseal.agent.protect.SkCipher;
import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.EncryptedPayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.WireReader;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.sign.HashAlgorithm;

/**
 * The keys of the SA the fuzz target drives, copied from the real initiator once its IKE_SA_INIT is done (test keys
 * of the software port, host memory by design): any plaintext can be sealed as the initiator would (RFC 7296 §3.14,
 * RFC 7383 §2.5) and an IKE_AUTH request given a valid AUTH (§2.15), so the fuzzer reaches what lies behind SK.
 */
final class KnownKeys {
    final long spiI;
    final long spiR;
    private final SkCipher outbound;
    private final byte[] message1;
    private final byte[] nr;
    private final Prf prf;
    private final HostKey skPi;
    private final Set<HashAlgorithm> peerHashes;
    private final AuditContext ctx;
    private final LocalAuthenticator auth;

    private KnownKeys(IkeSa sa, IkeSaInitResult init, LocalAuthenticator auth) {
        this.spiI = sa.spiI();
        this.spiR = sa.spiR();
        var keys = sa.keys();
        this.outbound = init.suite().protection().newCipher(copy(keys.skEi()), copy(keys.skAi()));
        this.message1 = init.message1().clone();
        this.nr = init.nr().clone();
        this.prf = init.suite().prf();
        this.skPi = copy(keys.skPi());
        this.peerHashes = init.peerHashes();
        this.ctx = sa.auditContext();
        this.auth = auth;
    }

    /** The initiator SA's keys, or null while it has none (or has forgotten what its AUTH signs). */
    static KnownKeys of(IkeSa sa) {
        IkeSaInitResult init = sa.init();
        if (sa.isClosed() || sa.keys() == null || init == null || init.message1() == null) {
            return null;
        }
        return new KnownKeys(sa, init, sa.connection().localAuth());
    }

    private static HostKey copy(HostKey k) {
        return k == null ? null : new HostKey(k.name(), k.bytes());
    }

    /** {@code header, SK{chain}} with a valid ICV, {@code first} as the SK payload's Next Payload. */
    byte[] seal(IkeHeader header, int first, byte[] chain) {
        int n = outbound.contentLength(chain.length);
        return seal(header, new EncryptedPayload(first, new byte[n]), chain, n);
    }

    /** The chain cut into {@code total} SKF fragments (RFC 7383 §2.5), each sealed on its own. */
    List<byte[]> sealFragments(IkeHeader header, int first, byte[] chain, int total) {
        List<byte[]> out = new ArrayList<>();
        int piece = Math.max(1, (chain.length + total - 1) / total);
        for (int i = 0, at = 0; i < total; i++, at += piece) {
            byte[] part = Arrays.copyOfRange(chain, Math.min(at, chain.length), Math.min(at + piece, chain.length));
            int n = outbound.contentLength(part.length);
            out.add(seal(header, new EncryptedFragmentPayload(i == 0 ? first : 0, i + 1, total, new byte[n]), part, n));
        }
        return out;
    }

    private byte[] seal(IkeHeader header, IkePayload placeholder, byte[] plaintext, int contentLength) {
        byte[] m = IkeMessageCodec.encode(new IkeMessage(header, List.of(placeholder)));
        int ad = m.length - contentLength;
        System.arraycopy(outbound.seal(Arrays.copyOf(m, ad), plaintext), 0, m, ad, contentLength);
        return m;
    }

    /**
     * The IKE_AUTH chain with the AUTH (and CERT) payloads our initiator would send for its IDi in this SA, or null
     * when the chain does not decode or names no IDi.
     */
    byte[] withValidAuth(int first, byte[] chain) throws Exception {
        List<IkePayload> payloads;
        try {
            payloads = new ArrayList<>(PayloadChain.decode(first, new WireReader(chain), DecodeLimits.DEFAULT, true));
        } catch (MalformedMessageException e) {
            return null;
        }
        IdentificationPayload idi = payloads.stream()
                .filter(p -> p instanceof IdentificationPayload i && i.kind() == PayloadType.IDI)
                .map(IdentificationPayload.class::cast)
                .findFirst()
                .orElse(null);
        if (idi == null) {
            return null;
        }
        byte[] octets = SignedOctets.initiator(message1, nr, prf, skPi, idi);
        AuthenticationPayload a =
                auth.authenticate(octets, prf, peerHashes, ctx).get(5, TimeUnit.SECONDS);
        payloads.removeIf(p -> p instanceof AuthenticationPayload || p instanceof CertificatePayload);
        int at = payloads.indexOf(idi) + 1;
        payloads.addAll(at, auth.certificates());
        payloads.add(at + auth.certificates().size(), a);
        try {
            return PayloadChain.encode(payloads);
        } catch (IllegalStateException e) {
            return null; // decoded, but not encodable again (e.g. selectors of unknown types only): sealed as it is
        }
    }
}
