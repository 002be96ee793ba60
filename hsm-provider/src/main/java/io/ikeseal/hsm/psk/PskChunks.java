package io.ikeseal.hsm.psk;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

import io.ikeseal.hsm.api.Prf;

/**
 * How a PSK of any length becomes token keys the HKDF salt accepts. HMAC (RFC 2104) hashes a key longer than the
 * hash block and zero-pads a shorter one to the block, so HMAC(K, x) = HMAC(K', x) for
 * K' = (|K| > block ? H(K) : K) padded with zeros to any length up to the block. We pad K' to a multiple of
 * {@value #CHUNK} octets (at most the block: 64 or 128) and cut it into 32-octet chunks, each stored as an "AES" key
 * (the only kind a persistent NSS KeyStore gives back in a form SunPKCS11's HKDF takes as salt); the token
 * concatenates the chunks when they are passed as salts, giving HMAC(K, x) without K on the host.
 */
final class PskChunks {
    static final int CHUNK = 32;

    private PskChunks() {}

    /** The chunks for {@code prf}; the caller wipes them. */
    static byte[][] of(Prf prf, byte[] psk) {
        byte[] normalized = psk.length > prf.blockLength() ? digest(prf, psk) : psk;
        int n = Math.max(1, (normalized.length + CHUNK - 1) / CHUNK);
        byte[][] chunks = new byte[n][];
        for (int i = 0; i < n; i++) {
            // copyOfRange zero-pads past the end of normalized.
            chunks[i] = Arrays.copyOfRange(normalized, i * CHUNK, (i + 1) * CHUNK);
        }
        if (normalized != psk) {
            Arrays.fill(normalized, (byte) 0);
        }
        return chunks;
    }

    /** Most chunks any PSK can need for prf (the block length). */
    static int maxChunks(Prf prf) {
        return prf.blockLength() / CHUNK;
    }

    private static byte[] digest(Prf prf, byte[] psk) {
        try {
            return MessageDigest.getInstance(prf.digestAlgorithm()).digest(psk);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(prf.digestAlgorithm() + " missing from the JDK", e);
        }
    }
}
