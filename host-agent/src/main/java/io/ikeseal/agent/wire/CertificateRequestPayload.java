package io.ikeseal.agent.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * CERTREQ payload (RFC 7296 §3.7). For X.509 the Certification Authority field is a concatenation of SHA-1 hashes
 * of trusted CAs' public keys (SubjectPublicKeyInfo), 20 octets each; it may be empty.
 */
public record CertificateRequestPayload(int encoding, byte[] authorities) implements IkePayload {
    public static final int SHA1_LENGTH = 20;

    public CertificateRequestPayload {
        if (encoding < 0 || encoding > 255) {
            throw new IllegalArgumentException("encoding is an octet");
        }
    }

    public static CertificateRequestPayload x509(List<byte[]> keyHashes) {
        byte[] all = new byte[keyHashes.size() * SHA1_LENGTH];
        for (int i = 0; i < keyHashes.size(); i++) {
            if (keyHashes.get(i).length != SHA1_LENGTH) {
                throw new IllegalArgumentException("a CA hash is 20 octets");
            }
            System.arraycopy(keyHashes.get(i), 0, all, i * SHA1_LENGTH, SHA1_LENGTH);
        }
        return new CertificateRequestPayload(CertificatePayload.X509_SIGNATURE, all);
    }

    /** The CA key hashes of an X.509 request. */
    public List<byte[]> authorityHashes() {
        List<byte[]> out = new ArrayList<>(authorities.length / SHA1_LENGTH);
        for (int i = 0; i + SHA1_LENGTH <= authorities.length; i += SHA1_LENGTH) {
            out.add(Arrays.copyOfRange(authorities, i, i + SHA1_LENGTH));
        }
        return out;
    }

    @Override
    public int typeCode() {
        return PayloadType.CERTREQ.code();
    }

    @Override
    public int bodyLength() {
        return 1 + authorities.length;
    }

    @Override
    public void writeBody(WireWriter w) {
        w.u8(encoding).bytes(authorities);
    }

    static CertificateRequestPayload decode(WireReader r) throws MalformedMessageException {
        int encoding = r.u8();
        byte[] authorities = r.rest();
        if (encoding == CertificatePayload.X509_SIGNATURE && authorities.length % SHA1_LENGTH != 0) {
            throw MalformedMessageException.syntax(
                    "CERTREQ: " + authorities.length + " octets of CA hashes is not a multiple of 20");
        }
        return new CertificateRequestPayload(encoding, authorities);
    }
}
