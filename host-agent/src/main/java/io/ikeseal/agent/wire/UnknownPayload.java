package io.ikeseal.agent.wire;

/**
 * A payload of a type we do not know, with its critical bit clear: kept so the message re-encodes to the same
 * octets, and otherwise skipped (RFC 7296 §2.5). An unknown critical payload never decodes; it fails the message
 * with UNSUPPORTED_CRITICAL_PAYLOAD.
 */
public record UnknownPayload(int typeCode, byte[] body) implements IkePayload {

    public UnknownPayload {
        if (typeCode < 1 || typeCode > 255 || PayloadType.of(typeCode) != null) {
            throw new IllegalArgumentException("payload type " + typeCode + " is not unknown");
        }
    }

    @Override
    public int bodyLength() {
        return body.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.bytes(body);
    }
}
