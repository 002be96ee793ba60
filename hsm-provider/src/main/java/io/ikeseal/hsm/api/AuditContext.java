package io.ikeseal.hsm.api;

/**
 * Where a token operation happened, in IKE terms; every field may be null (e.g. at start-up).
 * SPIs are 16 lowercase hex characters.
 */
public record AuditContext(String ikeSpiI, String ikeSpiR, String peer) {
    public static final AuditContext NONE = new AuditContext(null, null, null);
}
