package io.ikeseal.agent.auth;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;

/**
 * prf on the host, with the JDK's HMAC: for the keys the residency tier puts there, SK_pi and SK_pr, whose
 * MACedIDFor* the AUTH payload covers (RFC 7296 §2.15), and for software references of a peer. Pre-shared keys
 * never come here: their AUTH is computed in the key-exchange token.
 */
public final class HostPrf {
    private HostPrf() {}

    /** prf(key, data); the copy of the key bytes is wiped afterwards. */
    public static byte[] prf(Prf prf, HostKey key, byte[] data) {
        byte[] k = key.bytes();
        try {
            return prf(prf, k, data);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** prf(key, data) for a key the caller holds as bytes (and wipes). */
    public static byte[] prf(Prf prf, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(prf.macAlgorithm(), "SunJCE"); // never a token provider registered first
            mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without " + prf.macAlgorithm(), e);
        }
    }
}
