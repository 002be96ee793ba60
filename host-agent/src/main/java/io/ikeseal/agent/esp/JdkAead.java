package io.ikeseal.agent.esp;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-GCM with a 12- or 16-octet ICV (RFC 4106) and ChaCha20-Poly1305 (RFC 7634) from the JDK: one {@link Cipher}
 * per half, re-initialised per packet with the packet's nonce (the JDK refuses to encrypt twice under one key and
 * nonce, which the sequence number IV never asks of it).
 */
final class JdkAead extends EspAead {
    private final Cipher cipher;
    private final EspKey key;
    private final int tagBits;
    private final boolean gcm;

    private JdkAead(String transformation, EspKey key, byte[] salt, int icvLength, boolean gcm, boolean esn) {
        super(salt, icvLength, esn);
        this.key = key;
        this.tagBits = icvLength * 8;
        this.gcm = gcm;
        try {
            this.cipher = Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + transformation, e);
        }
    }

    /** AES-GCM with {@code keyMaterial} = key | 4-octet salt (RFC 4106 §8.1). */
    static JdkAead gcm(byte[] keyMaterial, int icvLength, boolean esn) {
        int keyLength = keyMaterial.length - SALT_LENGTH;
        return new JdkAead(
                "AES/GCM/NoPadding",
                new EspKey("AES", keyMaterial, 0, keyLength),
                saltOf(keyMaterial),
                icvLength,
                true,
                esn);
    }

    /** ChaCha20-Poly1305 with {@code keyMaterial} = 32-octet key | 4-octet salt (RFC 7634 §4). */
    static JdkAead chaCha20Poly1305(byte[] keyMaterial, boolean esn) {
        int keyLength = keyMaterial.length - SALT_LENGTH;
        return new JdkAead(
                "ChaCha20-Poly1305",
                new EspKey("ChaCha20", keyMaterial, 0, keyLength),
                saltOf(keyMaterial),
                16,
                false,
                esn);
    }

    private static byte[] saltOf(byte[] keyMaterial) {
        byte[] salt = new byte[SALT_LENGTH];
        System.arraycopy(keyMaterial, keyMaterial.length - SALT_LENGTH, salt, 0, SALT_LENGTH);
        return salt;
    }

    // The JCA copies the nonce into each spec: two small objects per packet that the API does not let us reuse.
    private AlgorithmParameterSpec spec() {
        return gcm ? new GCMParameterSpec(tagBits, nonce) : new IvParameterSpec(nonce);
    }

    @Override
    int seal(byte[] packet, byte[] aad, byte[] pt, int length, int offset) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, spec());
            cipher.updateAAD(aad, 0, aadLength());
            return cipher.doFinal(pt, 0, length, packet, offset);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    cipher.getAlgorithm() + " sealing failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    int open(byte[] packet, byte[] aad, int offset, int length, byte[] pt) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, spec());
            cipher.updateAAD(aad, 0, aadLength());
            return cipher.doFinal(packet, offset, length, pt, 0);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    cipher.getAlgorithm() + " opening failed: " + e.getClass().getSimpleName());
        }
    }

    /** Zeroes our key octets and the salt; the JCA's key schedule goes with the Cipher. */
    @Override
    void destroy() {
        super.destroy();
        key.destroy();
    }
}
