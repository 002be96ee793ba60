package io.ikeseal.agent.protect;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM with a 12- or 16-octet ICV (RFC 5282) and ChaCha20-Poly1305 (RFC 7634) from the JDK. The JDK checks the
 * tag before it releases any plaintext and refuses to encrypt twice under one key and nonce.
 */
final class JdkAeadEngine implements AeadEngine {
    private final Cipher cipher;
    private final SecretKeySpec key;
    private final int tagBits;
    private final boolean gcm;

    private JdkAeadEngine(String transformation, SecretKeySpec key, int tagBits, boolean gcm) {
        try {
            this.cipher = Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + transformation, e);
        }
        this.key = key;
        this.tagBits = tagBits;
        this.gcm = gcm;
    }

    static JdkAeadEngine gcm(byte[] keyBytes, int keyLength, int icvLength) {
        return new JdkAeadEngine(
                "AES/GCM/NoPadding", new SecretKeySpec(keyBytes, 0, keyLength, "AES"), icvLength * 8, true);
    }

    static JdkAeadEngine chaCha20Poly1305(byte[] keyBytes, int keyLength) {
        return new JdkAeadEngine(
                "ChaCha20-Poly1305", new SecretKeySpec(keyBytes, 0, keyLength, "ChaCha20"), 128, false);
    }

    private AlgorithmParameterSpec params(byte[] nonce) {
        return gcm ? new GCMParameterSpec(tagBits, nonce) : new IvParameterSpec(nonce);
    }

    @Override
    public void seal(byte[] nonce, byte[] associatedData, byte[] plaintext, byte[] out, int offset) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, params(nonce));
            cipher.updateAAD(associatedData);
            cipher.doFinal(plaintext, 0, plaintext.length, out, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    cipher.getAlgorithm() + " sealing failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public byte[] open(byte[] nonce, byte[] associatedData, byte[] in, int offset, int length)
            throws IntegrityException {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, params(nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(in, offset, length);
        } catch (AEADBadTagException e) {
            throw new IntegrityException(
                    IntegrityFailure.ICV_MISMATCH,
                    cipher.getAlgorithm() + " tag of " + tagBits + " bits did not verify");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    cipher.getAlgorithm() + " opening failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void destroy() {
        // SecretKeySpec cannot be destroyed; the owner drops this engine and the JCA copies go with it.
    }
}
