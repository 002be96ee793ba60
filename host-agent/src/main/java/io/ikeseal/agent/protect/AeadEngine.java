package io.ikeseal.agent.protect;

/** One AEAD primitive keyed for one direction: JDK (AES-GCM-12/16, ChaCha20-Poly1305) or BouncyCastle (GCM-8). */
interface AeadEngine {

    /** Writes ciphertext and tag to {@code out} from {@code offset}. */
    void seal(byte[] nonce, byte[] associatedData, byte[] plaintext, byte[] out, int offset);

    /** Verifies the tag and decrypts {@code length} octets of ciphertext and tag; no plaintext escapes a failure. */
    byte[] open(byte[] nonce, byte[] associatedData, byte[] in, int offset, int length) throws IntegrityException;

    void destroy();
}
