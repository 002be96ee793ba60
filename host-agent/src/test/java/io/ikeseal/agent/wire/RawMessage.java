package io.ikeseal.agent.wire;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Builds IKE messages octet by octet, lengths and all, so tests can write exactly the malformed message a case
 * needs. Fields left alone get their correct values.
 */
final class RawMessage {
    private final ByteArrayOutputStream payloads = new ByteArrayOutputStream();
    private int firstPayload = PayloadType.NONE;
    private int version = 0x20;
    private int exchange = ExchangeType.IKE_SA_INIT.code();
    private int flags = IkeHeader.FLAG_INITIATOR;
    private long responderSpi;
    private Long lengthOverride;

    static RawMessage ikeSaInitRequest() {
        return new RawMessage();
    }

    RawMessage first(int type) {
        firstPayload = type;
        return this;
    }

    RawMessage version(int major, int minor) {
        version = major << 4 | minor;
        return this;
    }

    RawMessage exchange(ExchangeType e, long spiR) {
        exchange = e.code();
        responderSpi = spiR;
        return this;
    }

    RawMessage response() {
        flags |= IkeHeader.FLAG_RESPONSE;
        return this;
    }

    RawMessage headerLength(long length) {
        lengthOverride = length;
        return this;
    }

    /** A payload with a correct generic header. */
    RawMessage payload(int next, String bodyHex) {
        byte[] body = HexFormat.of().parseHex(bodyHex);
        return payload(next, 0, 4 + body.length, body);
    }

    /** A payload with a chosen flags octet and Payload Length. */
    RawMessage payload(int next, int flagsOctet, int payloadLength, byte[] body) {
        payloads.write(next);
        payloads.write(flagsOctet);
        payloads.write(payloadLength >>> 8);
        payloads.write(payloadLength);
        payloads.writeBytes(body);
        return this;
    }

    RawMessage raw(String hex) {
        payloads.writeBytes(HexFormat.of().parseHex(hex));
        return this;
    }

    byte[] bytes() {
        byte[] body = payloads.toByteArray();
        long length = lengthOverride != null ? lengthOverride : IkeHeader.LENGTH + body.length;
        WireWriter w = new WireWriter(IkeHeader.LENGTH + body.length);
        w.u64(0x1122334455667788L)
                .u64(responderSpi)
                .u8(firstPayload)
                .u8(version)
                .u8(exchange)
                .u8(flags)
                .u32(0)
                .u32(length)
                .bytes(body);
        return w.array();
    }
}
