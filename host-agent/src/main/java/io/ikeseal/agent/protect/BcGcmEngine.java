package io.ikeseal.agent.protect;

import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-GCM with an 8-octet ICV (ENCR_AES_GCM_8, RFC 5282) from BouncyCastle's lightweight API: the JDK's GCM only
 * produces tags of 96 to 128 bits.
 */
final class BcGcmEngine implements AeadEngine {
    private final KeyParameter key;
    private final int tagBits;

    BcGcmEngine(byte[] keyBytes, int keyLength, int icvLength) {
        this.key = new KeyParameter(keyBytes, 0, keyLength);
        this.tagBits = icvLength * 8;
    }

    @Override
    public void seal(byte[] nonce, byte[] associatedData, byte[] plaintext, byte[] out, int offset) {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance()); // per message, see JdkAeadEngine
        gcm.init(true, new AEADParameters(key, tagBits, nonce, associatedData));
        int n = gcm.processBytes(plaintext, 0, plaintext.length, out, offset);
        try {
            gcm.doFinal(out, offset + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("GCM sealing failed");
        }
    }

    @Override
    public byte[] open(byte[] nonce, byte[] associatedData, byte[] in, int offset, int length)
            throws IntegrityException {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(false, new AEADParameters(key, tagBits, nonce, associatedData));
        byte[] out = new byte[gcm.getOutputSize(length)];
        try {
            int n = gcm.processBytes(in, offset, length, out, 0);
            gcm.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            // BC decrypts as it goes: what it wrote before the tag check must not survive.
            Arrays.fill(out, (byte) 0);
            throw new IntegrityException(
                    IntegrityFailure.ICV_MISMATCH, "AES-GCM tag of " + tagBits + " bits did not verify");
        }
    }

    @Override
    public void destroy() {
        Arrays.fill(key.getKey(), (byte) 0);
    }
}
