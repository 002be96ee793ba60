package io.ikeseal.agent.wire;

/** CERT payload (RFC 7296 §3.6). */
public record CertificatePayload(int encoding, byte[] data) implements IkePayload {
    public static final int X509_SIGNATURE = 4;
    public static final int CRL = 7;
    public static final int HASH_AND_URL_X509 = 12;
    public static final int HASH_AND_URL_BUNDLE = 13;

    public CertificatePayload {
        if (encoding < 0 || encoding > 255 || data.length == 0) {
            throw new IllegalArgumentException("CERT needs an encoding octet and data");
        }
    }

    @Override
    public int typeCode() {
        return PayloadType.CERT.code();
    }

    @Override
    public int bodyLength() {
        return 1 + data.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(encoding).bytes(data);
    }

    static CertificatePayload decode(WireReader r) throws MalformedMessageException {
        int encoding = r.u8();
        byte[] data = r.rest();
        if (data.length == 0) {
            throw MalformedMessageException.syntax("CERT: no certificate data");
        }
        return new CertificatePayload(encoding, data);
    }
}
