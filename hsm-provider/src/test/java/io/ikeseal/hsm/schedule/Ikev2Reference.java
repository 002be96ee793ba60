package io.ikeseal.hsm.schedule;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.Prf;

/**
 * A pure-software IKEv2 prf and prf+ (RFC 7296 §2.13) on SunJCE's HMAC, written independently of the main code,
 * as the reference every token result is compared with.
 */
final class Ikev2Reference {
    private Ikev2Reference() {}

    static byte[] prf(Prf prf, byte[] key, byte[]... data) {
        try {
            Mac mac = Mac.getInstance(prf.macAlgorithm(), "SunJCE");
            mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
            for (byte[] d : data) {
                mac.update(d);
            }
            return mac.doFinal();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** prf+(K, S) = T1 | T2 | ..., T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
    static byte[] prfPlus(Prf prf, byte[] key, byte[] s, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int n = 1; out.size() < length; n++) {
            t = prf(prf, key, t, s, new byte[] {(byte) n});
            out.writeBytes(t);
        }
        return Arrays.copyOf(out.toByteArray(), length);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replaceAll("\\s", ""));
    }

    static byte[] range(int from, int toInclusive) {
        byte[] b = new byte[toInclusive - from + 1];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }
}
