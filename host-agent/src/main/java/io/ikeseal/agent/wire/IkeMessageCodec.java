package io.ikeseal.agent.wire;

/**
 * Decodes a datagram into an {@link IkeMessage} and encodes one back (RFC 7296 §3). Stateless and thread-safe.
 * Decoding checks, in order: size, header, version (§2.5), Length against the datagram (§3.1), then the payload
 * chain and every payload's own structure. Encoding computes all Length and Next Payload fields.
 */
public final class IkeMessageCodec {
    private IkeMessageCodec() {}

    public static IkeMessage decode(byte[] datagram) throws MalformedMessageException {
        return decode(datagram, 0, datagram.length, DecodeLimits.DEFAULT);
    }

    public static IkeMessage decode(byte[] buf, int offset, int length, DecodeLimits limits)
            throws MalformedMessageException {
        if (length < IkeHeader.LENGTH) {
            throw new MalformedMessageException(MalformedReason.TRUNCATED, length + " octets, less than an IKE header");
        }
        if (length > limits.maxMessageLength()) {
            throw new MalformedMessageException(
                    MalformedReason.TOO_LARGE, length + " octets, more than " + limits.maxMessageLength());
        }
        WireReader r = new WireReader(buf, offset, length);
        IkeHeader header = IkeHeader.read(r);
        try {
            if (header.majorVersion() != IkeHeader.MAJOR_VERSION) {
                throw MalformedMessageException.version(header.majorVersion());
            }
            if (header.length() != length) {
                throw new MalformedMessageException(
                        MalformedReason.LENGTH_MISMATCH,
                        "header Length " + header.length() + " in a datagram of " + length + " octets");
            }
            return new IkeMessage(header, PayloadChain.decode(header.nextPayload(), r, limits, false));
        } catch (MalformedMessageException e) {
            throw e.withHeader(header);
        }
    }

    /** Encodes header and payloads; the header's Next Payload and Length are computed. */
    public static byte[] encode(IkeMessage m) {
        long total = (long) IkeHeader.LENGTH + PayloadChain.length(m.payloads());
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("message too large");
        }
        WireWriter w = new WireWriter((int) total);
        m.header()
                .withLengthAndNext(PayloadChain.firstType(m.payloads()), total)
                .write(w);
        PayloadChain.write(m.payloads(), w);
        return w.array();
    }
}
