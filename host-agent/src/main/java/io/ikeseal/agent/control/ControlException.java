package io.ikeseal.agent.control;

import java.io.Serial;

/**
 * A request the daemon answers with an error: {@link #code()} for scripts (docs/operations-ctl.md lists them), the
 * message for people. Never carries a key or a stack trace to the client.
 */
public final class ControlException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The request is not one JSON object with the fields the protocol asks for. */
    public static final String MALFORMED = "malformed";
    /** The request line is longer than {@link ControlProtocol#MAX_REQUEST_OCTETS}. */
    public static final String TOO_LARGE = "too-large";
    /** The request did not arrive within {@link ControlServer#READ_TIMEOUT}. */
    public static final String TIMEOUT = "timeout";
    /** The request's protocol version is not {@link ControlProtocol#VERSION}. */
    public static final String UNSUPPORTED_VERSION = "unsupported-version";
    /** The verb is not one the daemon serves. */
    public static final String UNKNOWN_VERB = "unknown-verb";
    /** An argument is missing or has a wrong form: nothing was done. */
    public static final String BAD_ARGUMENT = "bad-argument";
    /** No such connection or SA. */
    public static final String NOT_FOUND = "not-found";
    /** The peer's user is neither the daemon's nor root (SO_PEERCRED). */
    public static final String PERMISSION_DENIED = "permission-denied";
    /** As many clients as the daemon serves at once are connected already. */
    public static final String BUSY = "busy";
    /** reload: the configuration cannot be loaded or applied; nothing changed. */
    public static final String CONFIG = "config";
    /** The operation was tried and failed (e.g. no IKE SA: the peer's error). */
    public static final String FAILED = "failed";
    /** The daemon cannot do this (yet). */
    public static final String UNSUPPORTED = "unsupported";
    /** A fault in the daemon; its log has the details. */
    public static final String INTERNAL = "internal";

    private final String code;

    public ControlException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
