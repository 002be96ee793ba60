package io.ikeseal.agent.esp;

import java.util.Arrays;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * AES-GCM with an 8-octet ICV (ENCR_AES_GCM_8, RFC 4106) from BouncyCastle's lightweight API, as IKE's
 * protect.BcGcmEngine does: the JDK's GCM only makes tags of 96 to 128 bits. BouncyCastle decrypts before the tag
 * is checked, so a failed packet's plaintext is wiped from the half's own array, which nobody else sees.
 */
final class BcGcm8 extends EspAead {
    private final GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
    private final KeyParameter key;

    BcGcm8(byte[] keyMaterial, boolean esn) {
        super(Arrays.copyOfRange(keyMaterial, keyMaterial.length - SALT_LENGTH, keyMaterial.length), 8, esn);
        this.key = new KeyParameter(keyMaterial, 0, keyMaterial.length - SALT_LENGTH);
    }

    private void init(boolean encrypt, byte[] aad) {
        gcm.init(encrypt, new AEADParameters(key, icvLength * 8, nonce, Arrays.copyOf(aad, aadLength())));
    }

    @Override
    int seal(byte[] packet, byte[] aad, byte[] pt, int length, int offset) {
        init(true, aad);
        int n = gcm.processBytes(pt, 0, length, packet, offset);
        try {
            return n + gcm.doFinal(packet, offset + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AES-GCM-8 sealing failed");
        }
    }

    @Override
    int open(byte[] packet, byte[] aad, int offset, int length, byte[] pt) {
        init(false, aad);
        int n = gcm.processBytes(packet, offset, length, pt, 0);
        try {
            return n + gcm.doFinal(pt, n);
        } catch (InvalidCipherTextException e) {
            Arrays.fill(pt, 0, Math.max(0, length - icvLength), (byte) 0);
            return -1;
        }
    }

    @Override
    void destroy() {
        super.destroy();
        Arrays.fill(key.getKey(), (byte) 0);
    }
}
