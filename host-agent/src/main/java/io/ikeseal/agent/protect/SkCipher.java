package io.ikeseal.agent.protect;

import java.util.Arrays;

import javax.security.auth.Destroyable;

import io.ikeseal.agent.wire.MalformedMessageException;

/**
 * Seals and opens the content of SK and SKF payloads for one direction of one IKE SA (RFC 7296 §3.14): IV,
 * ciphertext of {inner payloads | Padding | Pad Length}, ICV. The associated data is every octet of the message
 * before the IV (RFC 5282 §5.1, RFC 7383 §2.5); for AES-CBC the HMAC covers it together with IV and ciphertext.
 *
 * <p>JCA ciphers are not thread-safe, so {@link #seal} and {@link #open} are synchronized: one SA's messages are
 * handled in order, possibly on different threads, and the lock both orders and publishes the cipher's state.
 * Inbound and outbound are separate instances and never contend.
 *
 * <p>Nothing of the keys or the plaintext reaches {@link #toString()} or an exception's message.
 */
public abstract sealed class SkCipher implements Destroyable permits AeadCipher, CbcHmacCipher {
    private final ProtectionSuite suite;
    private boolean destroyed;

    SkCipher(ProtectionSuite suite) {
        this.suite = suite;
    }

    public ProtectionSuite suite() {
        return suite;
    }

    public int ivLength() {
        return suite.ivLength();
    }

    public int icvLength() {
        return suite.icvLength();
    }

    public int blockSize() {
        return suite.blockSize();
    }

    /** Content octets (IV, ciphertext, ICV) that sealing {@code plaintextLength} octets of inner chain produces. */
    public int contentLength(int plaintextLength) {
        if (plaintextLength < 0) {
            throw new IllegalArgumentException("negative plaintext length");
        }
        int b = blockSize();
        return ivLength() + (plaintextLength + 1 + b - 1) / b * b + icvLength();
    }

    /** The longest inner chain whose sealed content fits in {@code contentLength} octets; -1 if none does. */
    public int maxPlaintextLength(int contentLength) {
        int room = contentLength - ivLength() - icvLength();
        return room < 1 ? -1 : room / blockSize() * blockSize() - 1;
    }

    /**
     * Pads (§3.14: the minimum Padding; AES-CBC's padding octets are random), encrypts and authenticates.
     *
     * @param associatedData the message's octets before the IV, with final Length fields
     * @return IV | ciphertext | ICV, {@link #contentLength(int)} octets
     */
    public final synchronized byte[] seal(byte[] associatedData, byte[] plaintext) {
        checkUsable();
        int b = blockSize();
        int padLength = (b - (plaintext.length + 1) % b) % b;
        byte[] padded = new byte[plaintext.length + padLength + 1];
        System.arraycopy(plaintext, 0, padded, 0, plaintext.length);
        fillPadding(padded, plaintext.length, padLength);
        padded[padded.length - 1] = (byte) padLength;
        try {
            return sealPadded(associatedData, padded);
        } finally {
            Arrays.fill(padded, (byte) 0);
        }
    }

    /**
     * Checks the content's length, then its ICV, and only then decrypts and strips the padding.
     *
     * @return the inner payload chain's octets
     * @throws IntegrityException        content too short or misaligned, or the ICV did not verify: drop silently
     * @throws MalformedMessageException the ICV verified but the Pad Length does not fit the plaintext (§3.14);
     *                                   the peer really sent it, so INVALID_SYNTAX may answer it
     */
    public final synchronized byte[] open(byte[] associatedData, byte[] content)
            throws IntegrityException, MalformedMessageException {
        checkUsable();
        int minimum = ivLength() + icvLength() + 1;
        if (content.length < minimum) {
            throw new IntegrityException(
                    IntegrityFailure.TOO_SHORT,
                    content.length + " octets of content, less than IV + ICV + 1 = " + minimum);
        }
        int ciphertext = content.length - ivLength() - icvLength();
        if (ciphertext % blockSize() != 0) {
            throw new IntegrityException(
                    IntegrityFailure.NOT_BLOCK_ALIGNED,
                    ciphertext + " octets of ciphertext, not a multiple of " + blockSize());
        }
        byte[] padded = openPadded(associatedData, content);
        try {
            int padLength = padded[padded.length - 1] & 0xff;
            // §3.14: any Pad Length that keeps the alignment must be accepted; it just has to fit.
            if (padLength > padded.length - 1) {
                throw MalformedMessageException.syntax(
                        "SK: Pad Length " + padLength + " with " + padded.length + " octets of plaintext");
            }
            return Arrays.copyOf(padded, padded.length - 1 - padLength);
        } finally {
            Arrays.fill(padded, (byte) 0);
        }
    }

    /** Encrypts an already padded plaintext: IV | ciphertext | ICV. Tests use it to seal a bad Pad Length. */
    abstract byte[] sealPadded(byte[] associatedData, byte[] padded);

    /** Verifies the ICV, then decrypts: the padded plaintext. Content length was checked by the caller. */
    abstract byte[] openPadded(byte[] associatedData, byte[] content) throws IntegrityException;

    /** Fills {@code length} Padding octets; AEAD suites never pad, so only AES-CBC overrides this. */
    void fillPadding(byte[] buf, int offset, int length) {}

    /** Wipes what key material this object holds (the JCA's own copies go with the garbage collector). */
    abstract void destroyKeys();

    @Override
    public final synchronized void destroy() {
        destroyed = true;
        destroyKeys();
    }

    @Override
    public final synchronized boolean isDestroyed() {
        return destroyed;
    }

    private void checkUsable() {
        if (destroyed) {
            throw new IllegalStateException(suite + " cipher was destroyed");
        }
    }

    @Override
    public String toString() {
        return "SkCipher[" + suite + (destroyed ? ", destroyed" : "") + "]";
    }
}
