package io.ikeseal.agent.esp;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;

/**
 * AES-CBC (RFC 3602) with HMAC-SHA2 truncated to half the hash (RFC 4868), encrypt-then-MAC: a random 16-octet IV
 * (RFC 3602 §3: unpredictable), padding to the AES block (RFC 4303 §2.4), and the ICV over SPI, sequence number,
 * IV and ciphertext, followed with ESN by the sequence number's high half, which is not sent (RFC 4303 §3.3.2.1,
 * RFC 4304 §2). The ICV is compared in constant time before anything is decrypted (RFC 4303 §3.4.4.1).
 */
final class CbcHmac extends EspTransform {
    private static final int BLOCK = 16;

    private final Cipher cipher;
    private final Mac mac;
    private final EspKey encryptionKey;
    private final EspKey integrityKey;
    private final SecureRandom random = new SecureRandom();
    private final byte[] iv = new byte[BLOCK];
    private final byte[] seqHigh = new byte[4];
    private final byte[] icv;

    /**
     * @param hmac the JCA name of the HMAC, e.g. HmacSHA256
     * @param icvLength its truncated length (RFC 4868 §2.3)
     */
    CbcHmac(byte[] encryption, byte[] integrity, String hmac, int icvLength, boolean esn) {
        super(BLOCK, icvLength, BLOCK, true, esn);
        this.encryptionKey = new EspKey("AES", encryption, 0, encryption.length);
        this.integrityKey = new EspKey(hmac, integrity, 0, integrity.length);
        try {
            this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
            this.mac = Mac.getInstance(hmac);
            mac.init(integrityKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES-CBC or " + hmac, e);
        }
        this.icv = new byte[mac.getMacLength()];
    }

    @Override
    int seal(byte[] packet, long seq, byte[] pt, int length) {
        random.nextBytes(iv);
        System.arraycopy(iv, 0, packet, HEADER, BLOCK);
        int body = HEADER + BLOCK;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new IvParameterSpec(iv));
            int n = cipher.doFinal(pt, 0, length, packet, body);
            mac(packet, body + n, seq);
            System.arraycopy(icv, 0, packet, body + n, icvLength);
            return body + n + icvLength;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "AES-CBC sealing failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    int open(byte[] packet, int length, long seq, byte[] pt) {
        int covered = length - icvLength;
        try {
            mac(packet, covered, seq);
            int diff = 0;
            for (int i = 0; i < icvLength; i++) {
                diff |= icv[i] ^ packet[covered + i];
            }
            if (diff != 0) {
                return -1;
            }
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new IvParameterSpec(packet, HEADER, BLOCK));
            return cipher.doFinal(packet, HEADER + BLOCK, covered - HEADER - BLOCK, pt, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "AES-CBC opening failed: " + e.getClass().getSimpleName());
        }
    }

    /** The untruncated HMAC of {@code packet[0, covered)} (and the ESN high half) into {@link #icv}. */
    private void mac(byte[] packet, int covered, long seq) throws GeneralSecurityException {
        mac.update(packet, 0, covered);
        if (esn) {
            putInt(seqHigh, 0, (int) (seq >>> 32));
            mac.update(seqHigh);
        }
        mac.doFinal(icv, 0);
    }

    /** Zeroes our key octets; the JCA's key schedule and HMAC pads go with the Cipher and Mac. */
    @Override
    void destroy() {
        encryptionKey.destroy();
        integrityKey.destroy();
        mac.reset();
        Arrays.fill(icv, (byte) 0);
    }
}
