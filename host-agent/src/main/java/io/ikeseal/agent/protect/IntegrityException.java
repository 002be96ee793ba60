package io.ikeseal.agent.protect;

/**
 * A sealed payload failed its integrity check, or could not even be checked. The message is dropped silently and
 * counted; it is never answered (RFC 7296 §3.10.1). The detail names lengths only, never key or plaintext octets.
 * No stack trace is captured: forged packets are expected and must be cheap to refuse.
 */
public final class IntegrityException extends Exception {
    private static final long serialVersionUID = 1L;

    private final IntegrityFailure failure;

    public IntegrityException(IntegrityFailure failure, String detail) {
        super(failure.label() + ": " + detail, null, false, false);
        this.failure = failure;
    }

    public IntegrityFailure failure() {
        return failure;
    }
}
