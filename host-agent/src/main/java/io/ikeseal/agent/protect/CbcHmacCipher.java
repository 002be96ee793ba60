package io.ikeseal.agent.protect;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.HostKey;

/**
 * SK content with AES-CBC (RFC 3602) and HMAC-SHA2 (RFC 4868): a random 16-octet IV, the ciphertext, and the
 * truncated HMAC over the message from the IKE header's first octet to the end of the ciphertext (RFC 7296 §3.14).
 * On receipt the ICV is compared in constant time before anything is decrypted (encrypt-then-MAC).
 */
final class CbcHmacCipher extends SkCipher {
    private final byte[] encryptionKey;
    private final byte[] integrityKey;
    private final String macName;
    private final OctetSource octets;

    private CbcHmacCipher(
            ProtectionSuite suite, byte[] encryptionKey, byte[] integrityKey, String macName, OctetSource octets) {
        super(suite);
        this.encryptionKey = encryptionKey;
        this.integrityKey = integrityKey;
        this.macName = macName;
        this.octets = octets;
    }

    /**
     * Holds copies of the key octets only: the JDK Cipher and Mac are made for each message (see
     * {@link JdkAeadEngine}: an idle SA should not keep key schedules and HMAC states).
     */
    static CbcHmacCipher create(ProtectionSuite suite, HostKey skE, HostKey skA, OctetSource octets) {
        CbcHmacCipher c = new CbcHmacCipher(
                suite, skE.bytes(), skA.bytes(), suite.integrity().jcaName(), octets);
        c.mac(); // fails now, not at the first message, if the JDK lacks it
        aes();
        return c;
    }

    private Mac mac() {
        try {
            Mac hmac = Mac.getInstance(macName);
            hmac.init(new SecretKeySpec(integrityKey, macName));
            return hmac;
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(
                    suite() + " is not available: " + ex.getClass().getSimpleName());
        }
    }

    private static Cipher aes() {
        try {
            return Cipher.getInstance("AES/CBC/NoPadding");
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(
                    "AES-CBC is not available: " + ex.getClass().getSimpleName());
        }
    }

    @Override
    void fillPadding(byte[] buf, int offset, int length) {
        octets.fill(buf, offset, length);
    }

    @Override
    byte[] sealPadded(byte[] associatedData, byte[] padded) {
        int iv = ivLength();
        byte[] content = new byte[iv + padded.length + icvLength()];
        octets.fill(content, 0, iv);
        try {
            Cipher aes = aes();
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(encryptionKey, "AES"), new IvParameterSpec(content, 0, iv));
            aes.doFinal(padded, 0, padded.length, content, iv);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(
                    "AES-CBC sealing failed: " + ex.getClass().getSimpleName());
        }
        byte[] icv = icv(associatedData, content, iv + padded.length);
        System.arraycopy(icv, 0, content, iv + padded.length, icv.length);
        return content;
    }

    @Override
    byte[] openPadded(byte[] associatedData, byte[] content) throws IntegrityException {
        int iv = ivLength();
        int authenticated = content.length - icvLength();
        byte[] expected = icv(associatedData, content, authenticated);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(content, authenticated, content.length))) {
            throw new IntegrityException(IntegrityFailure.ICV_MISMATCH, suite().integrity() + " ICV did not verify");
        }
        try {
            Cipher aes = aes();
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(encryptionKey, "AES"), new IvParameterSpec(content, 0, iv));
            return aes.doFinal(content, iv, authenticated - iv);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(
                    "AES-CBC opening failed: " + ex.getClass().getSimpleName());
        }
    }

    /** HMAC over associated data | IV | ciphertext, truncated (RFC 4868 §2.3). */
    private byte[] icv(byte[] associatedData, byte[] content, int length) {
        Mac hmac = mac();
        hmac.update(associatedData);
        hmac.update(content, 0, length);
        return Arrays.copyOf(hmac.doFinal(), icvLength());
    }

    @Override
    void destroyKeys() {
        Arrays.fill(encryptionKey, (byte) 0);
        Arrays.fill(integrityKey, (byte) 0);
    }
}
