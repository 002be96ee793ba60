package io.ikeseal.hsm.audit;

/**
 * The audit log could not open, write, or verify. A failed {@link AuditSink#append} future carries one:
 * the record is not known to be durable, so the caller must not act on the token result it describes.
 *
 * <p>Messages name files, line numbers, sequence numbers and field names, never record content: records
 * carry no key material by construction, and not echoing lines keeps a forged line from injecting text
 * into operator logs.
 */
public class AuditException extends RuntimeException {
    public AuditException(String message) {
        super(message);
    }

    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
