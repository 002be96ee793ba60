package io.ikeseal.agent.protect;

import java.util.Arrays;

import io.ikeseal.hsm.api.HostKey;

/**
 * SK content with a combined mode cipher (RFC 5282 §3, RFC 7634 §3): an 8-octet explicit IV, the ciphertext and
 * the tag as ICV; the nonce is the 4-octet salt from the end of SK_e followed by the IV.
 */
final class AeadCipher extends SkCipher {
    private final byte[] salt;
    private final AeadEngine engine;
    private final OctetSource ivs;

    private AeadCipher(ProtectionSuite suite, byte[] salt, AeadEngine engine, OctetSource ivs) {
        super(suite);
        this.salt = salt;
        this.engine = engine;
        this.ivs = ivs;
    }

    static AeadCipher create(ProtectionSuite suite, HostKey skE, OctetSource ivs) {
        byte[] k = skE.bytes();
        try {
            int keyLength = k.length - EncryptionAlgorithm.SALT_LENGTH;
            int icv = suite.icvLength();
            AeadEngine engine = switch (suite.encryption()) {
                case ENCR_AES_GCM_8 -> new BcGcmEngine(k, keyLength, icv);
                case ENCR_AES_GCM_12, ENCR_AES_GCM_16 -> JdkAeadEngine.gcm(k, keyLength, icv);
                case ENCR_CHACHA20_POLY1305 -> JdkAeadEngine.chaCha20Poly1305(k, keyLength);
                case ENCR_AES_CBC -> throw new IllegalArgumentException("AES-CBC is not AEAD");
            };
            return new AeadCipher(suite, Arrays.copyOfRange(k, keyLength, k.length), engine, ivs);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    @Override
    byte[] sealPadded(byte[] associatedData, byte[] padded) {
        byte[] content = new byte[ivLength() + padded.length + icvLength()];
        ivs.fill(content, 0, ivLength());
        engine.seal(nonce(content), associatedData, padded, content, ivLength());
        return content;
    }

    @Override
    byte[] openPadded(byte[] associatedData, byte[] content) throws IntegrityException {
        return engine.open(nonce(content), associatedData, content, ivLength(), content.length - ivLength());
    }

    private byte[] nonce(byte[] content) {
        byte[] nonce = Arrays.copyOf(salt, salt.length + ivLength());
        System.arraycopy(content, 0, nonce, salt.length, ivLength());
        return nonce;
    }

    @Override
    void destroyKeys() {
        Arrays.fill(salt, (byte) 0);
        engine.destroy();
    }
}
