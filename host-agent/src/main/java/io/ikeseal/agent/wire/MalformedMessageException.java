package io.ikeseal.agent.wire;

/**
 * A message or payload chain that breaks RFC 7296's syntax. It carries the notification the RFC prescribes for the
 * failure, if any; whether that notification is sent depends on where the message came from (see
 * {@link #notifyType()}). No stack trace is captured: these are expected for hostile input and must be cheap.
 */
public final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    private final MalformedReason reason;
    private final int notifyType;
    private final byte[] notifyData;
    private IkeHeader header;

    public MalformedMessageException(MalformedReason reason, String detail) {
        this(reason, defaultNotify(reason), new byte[0], detail);
    }

    private MalformedMessageException(MalformedReason reason, int notifyType, byte[] notifyData, String detail) {
        super(reason.label() + ": " + detail, null, false, false);
        this.reason = reason;
        this.notifyType = notifyType;
        this.notifyData = notifyData;
    }

    public static MalformedMessageException syntax(String detail) {
        return new MalformedMessageException(MalformedReason.INVALID_SYNTAX, detail);
    }

    public static MalformedMessageException length(String detail) {
        return new MalformedMessageException(MalformedReason.BAD_LENGTH, detail);
    }

    /** RFC 7296 §2.5: the notification's data is the one-octet type of the payload not understood. */
    public static MalformedMessageException unsupportedCritical(int payloadType) {
        return new MalformedMessageException(
                MalformedReason.UNSUPPORTED_CRITICAL_PAYLOAD,
                NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD,
                new byte[] {(byte) payloadType},
                "critical payload type " + payloadType + " not understood");
    }

    /**
     * RFC 7296 §2.5: a higher major version is answered with INVALID_MAJOR_VERSION; a lower one (IKEv1) is dropped.
     */
    public static MalformedMessageException version(int major) {
        return new MalformedMessageException(
                MalformedReason.UNSUPPORTED_VERSION,
                major > IkeHeader.MAJOR_VERSION ? NotifyType.INVALID_MAJOR_VERSION : 0,
                new byte[0],
                "major version " + major);
    }

    /** The header of the refused message when it was readable (for a reply that copies SPIs and Message ID). */
    public IkeHeader header() {
        return header;
    }

    /**
     * Records the header of the message the failure belongs to, unless one is recorded already. Public for the
     * protect layer, which decodes an SK payload's inner chain after the codec has returned.
     */
    public MalformedMessageException withHeader(IkeHeader h) {
        if (header == null) {
            header = h;
        }
        return this;
    }

    public MalformedReason reason() {
        return reason;
    }

    /**
     * The error notification RFC 7296 prescribes, or 0 for a silent drop. INVALID_MAJOR_VERSION (§2.5) and
     * UNSUPPORTED_CRITICAL_PAYLOAD (§2.5) may answer an unprotected request; INVALID_SYNTAX may be sent only inside
     * an SA whose integrity check passed (§3.10.1, to keep forged packets from provoking answers).
     */
    public int notifyType() {
        return notifyType;
    }

    public byte[] notifyData() {
        return notifyData.clone();
    }

    private static int defaultNotify(MalformedReason reason) {
        return switch (reason) {
            case UNSUPPORTED_VERSION -> NotifyType.INVALID_MAJOR_VERSION;
            case BAD_LENGTH, TOO_MANY, INVALID_SYNTAX, TRUNCATED -> NotifyType.INVALID_SYNTAX;
            case LENGTH_MISMATCH, TOO_LARGE, UNSUPPORTED_CRITICAL_PAYLOAD -> 0;
        };
    }
}
