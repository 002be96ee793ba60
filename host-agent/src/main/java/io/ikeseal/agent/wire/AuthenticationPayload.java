package io.ikeseal.agent.wire;

/**
 * AUTH payload (RFC 7296 §3.8). The Auth Method stays a number (§3.8, RFC 7427 §3 for 14): the auth package maps
 * it to the token layer's methods, so the codec needs nothing from that layer.
 */
public record AuthenticationPayload(int method, byte[] data) implements IkePayload {

    public AuthenticationPayload {
        if (method < 0 || method > 255 || data.length == 0) {
            throw new IllegalArgumentException("AUTH needs a method octet and data");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.AUTH.code();
    }

    @Override
    public int bodyLength() {
        return 4 + data.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(method).u8(0).u16(0).bytes(data);
    }

    static AuthenticationPayload decode(WireReader r) throws MalformedMessageException {
        int method = r.u8();
        r.skip(3);
        byte[] data = r.rest();
        if (data.length == 0) {
            throw MalformedMessageException.syntax("AUTH: no authentication data");
        }
        return new AuthenticationPayload(method, data);
    }
}
