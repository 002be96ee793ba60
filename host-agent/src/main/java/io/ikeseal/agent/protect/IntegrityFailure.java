package io.ikeseal.agent.protect;

/**
 * Why a sealed SK or SKF payload was not accepted. Every one is a counted silent drop: RFC 7296 §3.10.1 allows even
 * INVALID_SYNTAX only for a message whose Message ID and cryptographic checksum were valid, so that forged packets
 * cannot make us answer.
 */
public enum IntegrityFailure {
    /** Content shorter than IV + ICV + one octet (the Pad Length): refused before any crypto. */
    TOO_SHORT("sk-too-short"),
    /** AES-CBC ciphertext that is not a whole number of blocks: refused before any crypto. */
    NOT_BLOCK_ALIGNED("sk-not-block-aligned"),
    /** The ICV (the HMAC, or the AEAD tag) did not verify. */
    ICV_MISMATCH("icv-mismatch");

    private final String label;

    IntegrityFailure(String label) {
        this.label = label;
    }

    /** The name used in counters and logs. */
    public String label() {
        return label;
    }
}
