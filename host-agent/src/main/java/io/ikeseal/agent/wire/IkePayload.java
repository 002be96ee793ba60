package io.ikeseal.agent.wire;

/**
 * One IKEv2 payload (RFC 7296 §3.2 onward), without its generic header: {@link PayloadChain} writes and checks
 * that (next payload, critical bit, length). Each type is a small immutable record with its own decoder. Arrays
 * returned by accessors are the payload's own: treat them as read-only.
 */
public sealed interface IkePayload
        permits SecurityAssociationPayload,
                KeyExchangePayload,
                IdentificationPayload,
                CertificatePayload,
                CertificateRequestPayload,
                AuthenticationPayload,
                NoncePayload,
                NotifyPayload,
                DeletePayload,
                VendorIdPayload,
                TrafficSelectorPayload,
                ConfigurationPayload,
                EapPayload,
                EncryptedPayload,
                EncryptedFragmentPayload,
                UnknownPayload {

    /** The payload type number in the generic header that precedes this payload. */
    int typeCode();

    /** Octets after the 4-octet generic payload header. */
    int bodyLength();

    /** Writes exactly {@link #bodyLength()} octets. */
    void writeBody(WireWriter w);
}
