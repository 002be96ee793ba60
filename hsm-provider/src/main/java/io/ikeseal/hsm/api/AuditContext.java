package io.ikeseal.hsm.api;

import java.util.Objects;

/**
 * Where a token operation happened, in IKE terms; every field but {@code urgency} may be null (e.g. at start-up).
 * SPIs are 16 lowercase hex characters. {@code urgency} is not recorded: it only picks the token queue the operation
 * waits in, and is {@link Urgency#HIGH} unless the caller says otherwise.
 */
public record AuditContext(String ikeSpiI, String ikeSpiR, String peer, Urgency urgency) {
    public static final AuditContext NONE = new AuditContext(null, null, null);

    public AuditContext {
        Objects.requireNonNull(urgency, "urgency");
    }

    public AuditContext(String ikeSpiI, String ikeSpiR, String peer) {
        this(ikeSpiI, ikeSpiR, peer, Urgency.HIGH);
    }

    /** The same place, queued as {@code u}. */
    public AuditContext withUrgency(Urgency u) {
        return new AuditContext(ikeSpiI, ikeSpiR, peer, u);
    }
}
