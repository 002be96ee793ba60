package io.ikeseal.agent.wire;

/**
 * The IKE header (RFC 7296 §3.1). SPIs are 8 octets, here as longs; the Message ID is unsigned 32-bit. When a
 * message is encoded, {@code nextPayload} and {@code length} are computed from its payloads, so the values held
 * here matter only for decoded messages.
 */
public record IkeHeader(
        long initiatorSpi,
        long responderSpi,
        int nextPayload,
        int majorVersion,
        int minorVersion,
        int exchangeType,
        int flags,
        long messageId,
        long length) {

    public static final int LENGTH = 28;
    public static final int MAJOR_VERSION = 2;
    public static final int MINOR_VERSION = 0;

    /** I: set by the original initiator of the IKE SA (§3.1). */
    public static final int FLAG_INITIATOR = 0x08;
    /** V: "could speak a higher major version"; we never set it. */
    public static final int FLAG_VERSION = 0x10;
    /** R: this message is a response. */
    public static final int FLAG_RESPONSE = 0x20;

    public IkeHeader {
        if (messageId < 0 || messageId > 0xffffffffL) {
            throw new IllegalArgumentException("message ID out of range: " + messageId);
        }
        if (exchangeType < 0 || exchangeType > 255 || flags < 0 || flags > 255) {
            throw new IllegalArgumentException("exchange type and flags are octets");
        }
    }

    /** A header for a message we send: version 2.0; next payload and length are filled in by the encoder. */
    public static IkeHeader of(
            long initiatorSpi,
            long responderSpi,
            ExchangeType exchange,
            boolean fromInitiator,
            boolean response,
            long messageId) {
        int flags = (fromInitiator ? FLAG_INITIATOR : 0) | (response ? FLAG_RESPONSE : 0);
        return new IkeHeader(
                initiatorSpi,
                responderSpi,
                PayloadType.NONE,
                MAJOR_VERSION,
                MINOR_VERSION,
                exchange.code(),
                flags,
                messageId,
                0);
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    public boolean isRequest() {
        return !isResponse();
    }

    /** Sent by the original initiator of the IKE SA. */
    public boolean fromInitiator() {
        return (flags & FLAG_INITIATOR) != 0;
    }

    public ExchangeType exchange() {
        return ExchangeType.of(exchangeType);
    }

    public IkeHeader withLengthAndNext(int nextPayloadType, long totalLength) {
        return new IkeHeader(
                initiatorSpi,
                responderSpi,
                nextPayloadType,
                majorVersion,
                minorVersion,
                exchangeType,
                flags,
                messageId,
                totalLength);
    }

    /** Writes all 28 octets. */
    public void write(WireWriter w) {
        w.u64(initiatorSpi)
                .u64(responderSpi)
                .u8(nextPayload)
                .u8((majorVersion << 4) | (minorVersion & 0x0f))
                .u8(exchangeType)
                .u8(flags)
                .u32(messageId)
                .u32(length);
    }

    static IkeHeader read(WireReader r) throws MalformedMessageException {
        long spiI = r.u64();
        long spiR = r.u64();
        int next = r.u8();
        int version = r.u8();
        int exchange = r.u8();
        int flags = r.u8();
        long messageId = r.u32();
        long length = r.u32();
        return new IkeHeader(spiI, spiR, next, version >>> 4, version & 0x0f, exchange, flags, messageId, length);
    }

    @Override
    public String toString() {
        return String.format(
                "%s %s #%d SPIi %016x SPIr %016x%s",
                ExchangeType.name(exchangeType),
                isResponse() ? "response" : "request",
                messageId,
                initiatorSpi,
                responderSpi,
                fromInitiator() ? " I" : "");
    }
}
