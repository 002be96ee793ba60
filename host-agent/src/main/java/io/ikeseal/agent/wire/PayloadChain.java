package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * The chain of generic payload headers (RFC 7296 §3.2): each names the type of the next payload, and the last
 * names none. SK and SKF end the chain: their Next Payload names the first payload inside them, and nothing may
 * follow them (§3.14, RFC 7383 §2.5).
 */
public final class PayloadChain {
    public static final int GENERIC_HEADER_LENGTH = 4;
    private static final int CRITICAL = 0x80;

    private PayloadChain() {}

    /**
     * Decodes payloads from {@code r} until the chain ends; {@code r} must then be exhausted.
     *
     * @param insideSk an SK payload's decrypted content, where SK and SKF may not appear again
     */
    public static List<IkePayload> decode(int firstType, WireReader r, DecodeLimits limits, boolean insideSk)
            throws MalformedMessageException {
        List<IkePayload> out = new ArrayList<>();
        int type = firstType;
        while (type != PayloadType.NONE) {
            if (out.size() == limits.maxPayloads()) {
                throw new MalformedMessageException(
                        MalformedReason.TOO_MANY, "more than " + limits.maxPayloads() + " payloads");
            }
            if (r.remaining() < GENERIC_HEADER_LENGTH) {
                throw new MalformedMessageException(
                        MalformedReason.TRUNCATED,
                        "chain names " + PayloadType.name(type) + " but " + r.remaining() + " octets are left");
            }
            int next = r.u8();
            boolean critical = (r.u8() & CRITICAL) != 0; // the other 7 bits are reserved: ignored on receipt
            int length = r.u16();
            if (length < GENERIC_HEADER_LENGTH || length - GENERIC_HEADER_LENGTH > r.remaining()) {
                throw MalformedMessageException.length(PayloadType.name(type) + " Payload Length " + length + " with "
                        + (r.remaining() + GENERIC_HEADER_LENGTH) + " octets left");
            }
            WireReader body = r.slice(length - GENERIC_HEADER_LENGTH);
            PayloadType known = PayloadType.of(type);
            if (known == PayloadType.SK || known == PayloadType.SKF) {
                if (insideSk) {
                    throw MalformedMessageException.syntax(known.rfcName() + " inside an SK payload");
                }
                if (r.remaining() != 0) {
                    throw MalformedMessageException.syntax(
                            known.rfcName() + " must be the last payload; " + r.remaining() + " octets follow it");
                }
                out.add(
                        known == PayloadType.SK
                                ? EncryptedPayload.decode(next, body)
                                : EncryptedFragmentPayload.decode(next, body));
                return out;
            }
            if (known == null) {
                if (critical) {
                    throw MalformedMessageException.unsupportedCritical(type);
                }
                out.add(new UnknownPayload(type, body.rest()));
            } else {
                out.add(decodeBody(known, body));
                body.expectEnd(known.rfcName());
            }
            type = next;
        }
        if (r.remaining() != 0) {
            throw MalformedMessageException.length(r.remaining() + " octets after the last payload");
        }
        return out;
    }

    private static IkePayload decodeBody(PayloadType t, WireReader b) throws MalformedMessageException {
        return switch (t) {
            case SA -> SecurityAssociationPayload.decode(b);
            case KE -> KeyExchangePayload.decode(b);
            case IDI, IDR -> IdentificationPayload.decode(t, b);
            case CERT -> CertificatePayload.decode(b);
            case CERTREQ -> CertificateRequestPayload.decode(b);
            case AUTH -> AuthenticationPayload.decode(b);
            case NONCE -> NoncePayload.decode(b);
            case NOTIFY -> NotifyPayload.decode(b);
            case DELETE -> DeletePayload.decode(b);
            case VENDOR_ID -> VendorIdPayload.decode(b);
            case TSI, TSR -> TrafficSelectorPayload.decode(t, b);
            case CP -> ConfigurationPayload.decode(b);
            case EAP -> EapPayload.decode(b);
            case SK, SKF -> throw new AssertionError("handled by the caller");
        };
    }

    /** Octets the chain takes, generic headers included. */
    public static int length(List<? extends IkePayload> payloads) {
        int n = 0;
        for (IkePayload p : payloads) {
            n += GENERIC_HEADER_LENGTH + p.bodyLength();
        }
        return n;
    }

    /** The type code the chain starts with (for the IKE header or an SK payload's Next Payload). */
    public static int firstType(List<? extends IkePayload> payloads) {
        return payloads.isEmpty() ? PayloadType.NONE : payloads.getFirst().typeCode();
    }

    /** Writes the chain; SK or SKF may only come last. */
    public static void write(List<? extends IkePayload> payloads, WireWriter w) {
        for (int i = 0; i < payloads.size(); i++) {
            IkePayload p = payloads.get(i);
            boolean last = i == payloads.size() - 1;
            int next;
            if (p instanceof EncryptedPayload sk) {
                next = sk.firstInnerPayload();
            } else if (p instanceof EncryptedFragmentPayload skf) {
                next = skf.firstInnerPayload();
            } else {
                next = last ? PayloadType.NONE : payloads.get(i + 1).typeCode();
            }
            if (!last && (p instanceof EncryptedPayload || p instanceof EncryptedFragmentPayload)) {
                throw new IllegalArgumentException(PayloadType.name(p.typeCode()) + " must be the last payload");
            }
            int length = GENERIC_HEADER_LENGTH + p.bodyLength();
            if (length > 0xffff) {
                throw new IllegalArgumentException(PayloadType.name(p.typeCode()) + " of " + length + " octets");
            }
            w.u8(next).u8(0).u16(length);
            p.writeBody(w);
        }
    }

    /** An inner chain as SK content before encryption: the payloads without any IKE header. */
    public static byte[] encode(List<? extends IkePayload> payloads) {
        WireWriter w = new WireWriter(length(payloads));
        write(payloads, w);
        return w.array();
    }
}
