package io.ikeseal.hsm.sign;

import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA signature encodings: DER ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 7427, RFC 3279)
 * and RFC 4754's r|s with each half as long as the curve's field. Conversion only; no arithmetic.
 */
final class EcdsaSignatureEncoding {
    private EcdsaSignatureEncoding() {}

    /**
     * Parses a DER ECDSA-Sig-Value strictly: one SEQUENCE of two positive INTEGERs that fit the field, in DER
     * (re-encoding gives the same bytes), nothing after it. Returns r|s.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static byte[] derToRaw(byte[] der, int fieldLength) {
        ASN1Primitive p;
        try {
            p = ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("ECDSA signature is not DER: " + e.getMessage());
        }
        if (!(p instanceof ASN1Sequence seq)
                || seq.size() != 2
                || !(seq.getObjectAt(0) instanceof ASN1Integer r)
                || !(seq.getObjectAt(1) instanceof ASN1Integer s)) {
            throw new IllegalArgumentException("ECDSA signature is not SEQUENCE { INTEGER r, INTEGER s }");
        }
        byte[] again;
        try {
            again = seq.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalArgumentException("ECDSA signature cannot be re-encoded: " + e.getMessage());
        }
        if (!MessageDigest.isEqual(again, der)) {
            throw new IllegalArgumentException("ECDSA signature is BER, not DER");
        }
        byte[] out = new byte[2 * fieldLength];
        put(r.getValue(), out, 0, fieldLength, "r");
        put(s.getValue(), out, fieldLength, fieldLength, "s");
        return out;
    }

    private static void put(BigInteger v, byte[] out, int off, int len, String name) {
        if (v.signum() <= 0 || v.bitLength() > len * 8) {
            throw new IllegalArgumentException("ECDSA " + name + " out of range for a " + len + "-octet field");
        }
        BigIntegers.asUnsignedByteArray(v, out, off, len);
    }

    /** r|s (two equal halves) to DER ECDSA-Sig-Value. */
    static byte[] rawToDer(byte[] raw) {
        if (raw.length == 0 || raw.length % 2 != 0) {
            throw new IllegalArgumentException("r|s must have two equal halves, got " + raw.length + " octets");
        }
        int half = raw.length / 2;
        try {
            return new DERSequence(new ASN1Integer[] {
                        new ASN1Integer(new BigInteger(1, raw, 0, half)),
                        new ASN1Integer(new BigInteger(1, raw, half, half))
                    })
                    .getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding failed", e);
        }
    }
}
