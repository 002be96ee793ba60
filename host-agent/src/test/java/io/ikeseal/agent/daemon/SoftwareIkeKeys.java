package io.ikeseal.agent.daemon;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.agent.wire.WireWriter;

/**
 * The IKE SA's keys computed on the host with javax.crypto, as an independent test oracle for a raw peer (the product
 * derives them in the token): SKEYSEED = prf(Ni | Nr, g^ir) and KEYMAT = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) with
 * prf+ = T1 | T2 | ..., Tn = prf(SKEYSEED, Tn-1 | S | n) (RFC 7296 §2.13, §2.14), for PRF_HMAC_SHA2_256.
 */
final class SoftwareIkeKeys {
    private static final String HMAC = "HmacSHA256";

    private SoftwareIkeKeys() {}

    /** The first {@code length} octets of {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}. */
    static byte[] keymat(byte[] gir, byte[] ni, byte[] nr, long spiI, long spiR, int length)
            throws GeneralSecurityException {
        byte[] nonces = concat(ni, nr);
        byte[] skeyseed = prf(nonces, gir);
        byte[] s = concat(nonces, new WireWriter(16).u64(spiI).u64(spiR).array());
        byte[] out = new byte[0];
        byte[] t = new byte[0];
        for (int n = 1; out.length < length; n++) {
            t = prf(skeyseed, concat(concat(t, s), new byte[] {(byte) n}));
            out = concat(out, t);
        }
        return Arrays.copyOf(out, length);
    }

    private static byte[] prf(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac m = Mac.getInstance(HMAC);
        m.init(new SecretKeySpec(key, HMAC));
        return m.doFinal(data);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
