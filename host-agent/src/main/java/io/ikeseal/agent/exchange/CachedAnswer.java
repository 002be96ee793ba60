package io.ikeseal.agent.exchange;

import java.util.List;

import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkePayload;

/** Our answer to one of the peer's requests, kept for its retransmissions (RFC 7296 §2.1). */
sealed interface CachedAnswer {

    /** The datagrams to send again; {@code out} seals a {@link Resealable} answer anew. */
    List<byte[]> datagrams(OutboundMessages out);

    /**
     * The answer to keep for {@code sealed}: an answer that carries our certificates is kept as its payloads, whose
     * certificate bodies are our configuration's own arrays, instead of as the sealed message, which holds a copy of
     * them per SA (most of an IKE_AUTH response, ~0.9 KiB an SA with one ECDSA P-256 certificate).
     */
    static CachedAnswer of(IkeHeader header, List<? extends IkePayload> payloads, List<byte[]> sealed) {
        for (IkePayload p : payloads) {
            if (p instanceof CertificatePayload) {
                return new Resealable(header, List.copyOf(payloads));
            }
        }
        return new Sent(List.copyOf(sealed));
    }

    /** The datagrams exactly as sent: unprotected IKE_SA_INIT responses and answers without certificates. */
    record Sent(List<byte[]> datagrams) implements CachedAnswer {
        @Override
        public List<byte[]> datagrams(OutboundMessages out) {
            return datagrams;
        }
    }

    /**
     * Header and payloads, sealed again only if the peer retransmits its request: the same message under the SA's
     * keys with a fresh IV (and fragmented the same way), which the peer takes like the first copy (§2.1 asks for the
     * response again, not for the same octets).
     */
    record Resealable(IkeHeader header, List<IkePayload> payloads) implements CachedAnswer {
        @Override
        public List<byte[]> datagrams(OutboundMessages out) {
            return out.seal(header, payloads);
        }
    }
}
