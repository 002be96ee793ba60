package io.ikeseal.agent.wire;

/**
 * EAP payload (RFC 7296 §3.16): one EAP message, kept raw. Its own Length field (RFC 3748 §4) must cover exactly
 * the payload, so a method never sees a message cut short or padded.
 */
public record EapPayload(byte[] message) implements IkePayload {
    public static final int CODE_REQUEST = 1;
    public static final int CODE_RESPONSE = 2;
    public static final int CODE_SUCCESS = 3;
    public static final int CODE_FAILURE = 4;

    public EapPayload {
        if (message.length < 4 || (((message[2] & 0xff) << 8) | (message[3] & 0xff)) != message.length) {
            throw new IllegalArgumentException("an EAP message has a 4-octet header whose Length covers it");
        }
    }

    public int code() {
        return message[0] & 0xff;
    }

    @Override
    public int typeCode() {
        return PayloadType.EAP.code();
    }

    @Override
    public int bodyLength() {
        return message.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.bytes(message);
    }

    static EapPayload decode(WireReader r) throws MalformedMessageException {
        byte[] m = r.rest();
        if (m.length < 4) {
            throw MalformedMessageException.length("EAP: " + m.length + " octets");
        }
        int length = ((m[2] & 0xff) << 8) | (m[3] & 0xff);
        if (length != m.length) {
            throw MalformedMessageException.length("EAP: Length says " + length + ", payload holds " + m.length);
        }
        return new EapPayload(m);
    }
}
