package io.ikeseal.agent.wire;

/**
 * SK payload (RFC 7296 §3.14), still sealed: IV, ciphertext and ICV as one opaque {@code content}. Its generic
 * header's Next Payload names the first inner payload. It must be the message's last payload, so its associated
 * data (everything before the IV) is the message's first {@code length - content.length} octets.
 */
public record EncryptedPayload(int firstInnerPayload, byte[] content) implements IkePayload {

    public EncryptedPayload {
        if (firstInnerPayload < 0 || firstInnerPayload > 255 || content.length == 0) {
            throw new IllegalArgumentException("SK needs a first inner payload octet and content");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.SK.code();
    }

    @Override
    public int bodyLength() {
        return content.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.bytes(content);
    }

    static EncryptedPayload decode(int firstInner, WireReader r) throws MalformedMessageException {
        if (r.remaining() == 0) {
            throw MalformedMessageException.length("SK: empty");
        }
        return new EncryptedPayload(firstInner, r.rest());
    }
}
