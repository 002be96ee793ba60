package io.ikeseal.hsm.audit;

import java.time.Instant;

import io.ikeseal.hsm.api.AuditContext;

/**
 * One token operation. {@code keyRef} names a key (label, ID or schedule role such as "SKEYSEED"),
 * never its material. {@code result} is "ok", a CKR_ name, or an exception's simple class name.
 */
public record AuditRecord(
        Instant time,
        String token,
        String operation,
        String mechanism,
        String keyRef,
        AuditContext context,
        String result,
        long durationMicros) {}
