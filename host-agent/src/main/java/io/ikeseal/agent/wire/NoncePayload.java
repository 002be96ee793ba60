package io.ikeseal.agent.wire;

/** Ni or Nr (RFC 7296 §3.9): 16 to 256 octets of random data. */
public record NoncePayload(byte[] nonce) implements IkePayload {
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 256;

    public NoncePayload {
        if (nonce.length < MIN_LENGTH || nonce.length > MAX_LENGTH) {
            throw new IllegalArgumentException("a nonce is 16..256 octets");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.NONCE.code();
    }

    @Override
    public int bodyLength() {
        return nonce.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.bytes(nonce);
    }

    static NoncePayload decode(WireReader r) throws MalformedMessageException {
        if (r.remaining() < MIN_LENGTH || r.remaining() > MAX_LENGTH) {
            throw MalformedMessageException.syntax("Nonce: " + r.remaining() + " octets, must be 16..256");
        }
        return new NoncePayload(r.rest());
    }
}
