package io.ikeseal.agent.protect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.hsm.api.HostKey;

/**
 * Each suite's content equals what a second implementation computes from the same key, nonce, associated data and
 * padded plaintext, and ours opens theirs: the JDK's AES-GCM-12/16 and ChaCha20-Poly1305 against BouncyCastle's,
 * BouncyCastle's AES-GCM-8 against the JDK's AES-GCM (whose 16-octet tag begins with the 8-octet one, as GCM
 * truncates tags), and AES-CBC + HMAC-SHA2 against BouncyCastle's CBC and HMac.
 */
class IndependentImplementationTest {
    private static final byte[] AD = Suites.bytes(new Random(100), 32);

    static List<ProtectionSuite> suites() {
        return Suites.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void sameOctetsAsAnIndependentImplementation(ProtectionSuite s) throws Exception {
        Random r = new Random(s.toString().hashCode());
        byte[] skE = Suites.bytes(r, s.encryptionKeyLength());
        byte[] skA = Suites.bytes(r, s.integrityKeyLength());
        for (int len : new int[] {0, 15, 16, 100, 1500}) {
            byte[] plaintext = Suites.bytes(r, len);
            byte[] iv = Suites.bytes(r, s.ivLength());
            int padLength = (s.blockSize() - (len + 1) % s.blockSize()) % s.blockSize();
            byte[] padding = Suites.bytes(r, padLength);
            OctetSource script = s.encryption().isAead() ? new ScriptedOctets(iv) : new ScriptedOctets(padding, iv);
            SkCipher ours = s.newCipher(new HostKey("SK_e", skE), new HostKey("SK_a", skA), script);

            byte[] padded = Arrays.copyOf(plaintext, len + padLength + 1);
            System.arraycopy(padding, 0, padded, len, padLength);
            padded[padded.length - 1] = (byte) padLength;
            byte[] theirs = concat(iv, independent(s, skE, skA, iv, padded));

            assertArrayEquals(theirs, ours.seal(AD, plaintext), s + ", " + len + " octets");
            assertArrayEquals(plaintext, ours.open(AD, theirs));
        }
    }

    /** Ciphertext and ICV as the other implementation computes them. */
    private static byte[] independent(ProtectionSuite s, byte[] skE, byte[] skA, byte[] iv, byte[] padded)
            throws Exception {
        int keyLength = s.keyLengthBits() / 8;
        byte[] key = Arrays.copyOf(skE, keyLength);
        byte[] nonce = concat(Arrays.copyOfRange(skE, keyLength, skE.length), iv);
        return switch (s.encryption()) {
            case ENCR_AES_GCM_8 -> {
                Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
                jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
                jdk.updateAAD(AD);
                yield Arrays.copyOf(jdk.doFinal(padded), padded.length + 8);
            }
            case ENCR_AES_GCM_12, ENCR_AES_GCM_16 ->
                bc(GCMBlockCipher.newInstance(AESEngine.newInstance()), key, s.icvLength(), nonce, padded);
            case ENCR_CHACHA20_POLY1305 -> bc(new ChaCha20Poly1305(), key, 16, nonce, padded);
            case ENCR_AES_CBC -> {
                CBCBlockCipher cbc = (CBCBlockCipher) CBCBlockCipher.newInstance(AESEngine.newInstance());
                cbc.init(true, new ParametersWithIV(new KeyParameter(key), iv));
                byte[] ct = new byte[padded.length];
                for (int off = 0; off < padded.length; off += 16) {
                    cbc.processBlock(padded, off, ct, off);
                }
                HMac hmac = new HMac(digest(s.integrity()));
                hmac.init(new KeyParameter(skA));
                hmac.update(AD, 0, AD.length);
                hmac.update(iv, 0, iv.length);
                hmac.update(ct, 0, ct.length);
                byte[] mac = new byte[hmac.getMacSize()];
                hmac.doFinal(mac, 0);
                yield concat(ct, Arrays.copyOf(mac, s.icvLength()));
            }
        };
    }

    private static byte[] bc(AEADCipher aead, byte[] key, int tagLength, byte[] nonce, byte[] padded) throws Exception {
        aead.init(true, new AEADParameters(new KeyParameter(key), tagLength * 8, nonce, AD));
        byte[] out = new byte[aead.getOutputSize(padded.length)];
        int n = aead.processBytes(padded, 0, padded.length, out, 0);
        aead.doFinal(out, n);
        return out;
    }

    private static Digest digest(IntegrityAlgorithm i) {
        return switch (i) {
            case AUTH_HMAC_SHA2_256_128 -> new SHA256Digest();
            case AUTH_HMAC_SHA2_384_192 -> new SHA384Digest();
            case AUTH_HMAC_SHA2_512_256 -> new SHA512Digest();
            case NONE -> throw new IllegalArgumentException("CBC needs an integrity transform");
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
