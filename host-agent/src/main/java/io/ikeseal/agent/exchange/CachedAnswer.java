package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;

import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.DecodeLimits;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.PayloadChain;
import io.ikeseal.agent.wire.WireReader;

/** Our answer to one of the peer's requests, kept for its retransmissions (RFC 7296 §2.1). */
sealed interface CachedAnswer {

    /** The datagrams to send again; {@code out} seals a {@link Resealable} answer anew. */
    List<byte[]> datagrams(OutboundMessages out);

    /**
     * The answer to keep for {@code sealed}. An answer that carries our certificates (an IKE_AUTH response) is kept
     * as its other payloads, encoded, with the certificates left out: they are our configuration's and the same for
     * every SA, while the sealed message holds a copy of them per SA (~0.9 KiB of a responder's idle SA).
     */
    static CachedAnswer of(IkeHeader header, List<? extends IkePayload> payloads, List<byte[]> sealed) {
        int certAt = -1;
        List<IkePayload> rest = new ArrayList<>(payloads.size());
        for (IkePayload p : payloads) {
            if (p instanceof CertificatePayload) {
                certAt = certAt < 0 ? rest.size() : certAt;
            } else {
                rest.add(p);
            }
        }
        if (certAt < 0 || rest.isEmpty()) {
            return new Sent(List.copyOf(sealed));
        }
        return new Resealable(header, PayloadChain.firstType(rest), PayloadChain.encode(rest), certAt);
    }

    /** The datagrams exactly as sent: unprotected IKE_SA_INIT responses and answers without certificates. */
    record Sent(List<byte[]> datagrams) implements CachedAnswer {
        @Override
        public List<byte[]> datagrams(OutboundMessages out) {
            return datagrams;
        }
    }

    /**
     * Header and the encoded payloads without our certificates, which went in one run at {@code certAt}. Sealed again
     * only if the peer retransmits: the same message under the SA's keys with a fresh IV (and fragmented the same
     * way), which the peer takes like the first copy; §2.1 asks for the response again, not for the same octets.
     */
    record Resealable(IkeHeader header, int firstType, byte[] chain, int certAt) implements CachedAnswer {
        @Override
        public List<byte[]> datagrams(OutboundMessages out) {
            List<IkePayload> payloads;
            try {
                payloads = PayloadChain.decode(firstType, new WireReader(chain), DecodeLimits.DEFAULT, true);
            } catch (MalformedMessageException e) {
                throw new IllegalStateException("our own cached answer does not decode", e);
            }
            payloads.addAll(certAt, out.ourCertificates());
            return out.seal(header, payloads);
        }
    }
}
