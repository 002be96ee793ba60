package io.ikeseal.hsm.api;

/**
 * The peer's Key Exchange Data is not acceptable for its group (RFC 6989 §2: wrong length, not on the curve, out of
 * range); found before any token call. The message names the check, never the value.
 */
public class InvalidPeerValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidPeerValueException(String message, Throwable cause) {
        super(message, cause);
    }
}
