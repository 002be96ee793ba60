package io.ikeseal.hsm.psk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ikeseal.hsm.api.Prf;

/** The normalization behind PSK storage: HMAC under the concatenated chunks equals HMAC under the PSK. */
class PskChunksTest {
    @ParameterizedTest
    @EnumSource(Prf.class)
    void concatenatedChunksAreTheSameHmacKeyForEveryLength(Prf prf) throws Exception {
        Random rnd = new Random(prf.id());
        byte[] data = "Key Pad for IKEv2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int len = 1; len <= 300; len++) {
            byte[] psk = new byte[len];
            rnd.nextBytes(psk);
            byte[][] chunks = PskChunks.of(prf, psk);
            ByteArrayOutputStream cat = new ByteArrayOutputStream();
            for (byte[] c : chunks) {
                assertEquals(PskChunks.CHUNK, c.length);
                cat.writeBytes(c);
            }
            assertTrue(chunks.length <= PskChunks.maxChunks(prf), "at most one hash block, length " + len);
            assertArrayEquals(hmac(prf, psk, data), hmac(prf, cat.toByteArray(), data), "length " + len);
        }
    }

    private static byte[] hmac(Prf prf, byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(prf.macAlgorithm(), "SunJCE");
        mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
        return mac.doFinal(data);
    }
}
