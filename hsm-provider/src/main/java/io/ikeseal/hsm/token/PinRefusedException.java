package io.ikeseal.hsm.token;

/**
 * Recovery must stop: the token refused the PIN, locked it, or is at its final PIN try. Retrying could lock a
 * smartcard, so the token stays failed until an operator fixes it and restarts.
 */
final class PinRefusedException extends TokenException {
    PinRefusedException(String message, String ckr) {
        super(message, ckr, null);
    }
}
