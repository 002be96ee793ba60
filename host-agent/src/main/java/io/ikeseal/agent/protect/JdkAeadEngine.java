package io.ikeseal.agent.protect;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 12- or 16-octet ICV (RFC 5282) and ChaCha20-Poly1305 (RFC 7634) from the JDK. The JDK checks the
 * tag before it releases any plaintext and refuses to encrypt twice under one key and nonce.
 *
 * <p>A JDK {@link Cipher} is made for each message rather than held: an established IKE SA sends and receives few
 * messages, and a keyed Cipher per direction (AES key schedules, GHASH state) was a quarter of the heap an idle SA
 * kept. Only the key octets are held, and zeroized by {@link #destroy()}.
 */
final class JdkAeadEngine implements AeadEngine {
    private final String transformation;
    private final String algorithm;
    private final byte[] key;
    private final int tagBits;
    private final boolean gcm;

    private JdkAeadEngine(String transformation, String algorithm, byte[] key, int tagBits, boolean gcm) {
        this.transformation = transformation;
        this.algorithm = algorithm;
        this.key = key;
        this.tagBits = tagBits;
        this.gcm = gcm;
        cipher(); // fails now, not at the first message, if the JDK lacks it
    }

    static JdkAeadEngine gcm(byte[] keyBytes, int keyLength, int icvLength) {
        return new JdkAeadEngine("AES/GCM/NoPadding", "AES", Arrays.copyOf(keyBytes, keyLength), icvLength * 8, true);
    }

    static JdkAeadEngine chaCha20Poly1305(byte[] keyBytes, int keyLength) {
        return new JdkAeadEngine("ChaCha20-Poly1305", "ChaCha20", Arrays.copyOf(keyBytes, keyLength), 128, false);
    }

    private Cipher cipher() {
        try {
            return Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + transformation, e);
        }
    }

    private AlgorithmParameterSpec params(byte[] nonce) {
        return gcm ? new GCMParameterSpec(tagBits, nonce) : new IvParameterSpec(nonce);
    }

    @Override
    public void seal(byte[] nonce, byte[] associatedData, byte[] plaintext, byte[] out, int offset) {
        Cipher cipher = cipher();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, algorithm), params(nonce));
            cipher.updateAAD(associatedData);
            cipher.doFinal(plaintext, 0, plaintext.length, out, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    transformation + " sealing failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public byte[] open(byte[] nonce, byte[] associatedData, byte[] in, int offset, int length)
            throws IntegrityException {
        Cipher cipher = cipher();
        try {
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, algorithm), params(nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(in, offset, length);
        } catch (AEADBadTagException e) {
            throw new IntegrityException(
                    IntegrityFailure.ICV_MISMATCH, transformation + " tag of " + tagBits + " bits did not verify");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    transformation + " opening failed: " + e.getClass().getSimpleName());
        }
    }

    /** Zeroizes the key octets; the JCA's copies of a message's Cipher go with that Cipher. */
    @Override
    public void destroy() {
        Arrays.fill(key, (byte) 0);
    }
}
