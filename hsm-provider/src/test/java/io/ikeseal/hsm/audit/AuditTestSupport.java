package io.ikeseal.hsm.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.ikeseal.hsm.api.AuditContext;

final class AuditTestSupport {
    static final long TIMEOUT_S = 30;

    private AuditTestSupport() {}

    static AuditRecord rec(String keyRef) {
        return new AuditRecord(
                Instant.now(),
                "ikeseal-test",
                "C_DeriveKey",
                "CKM_HKDF_DERIVE",
                keyRef,
                new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.1"),
                "ok",
                17);
    }

    /** Appends n records and waits (bounded) until all are durable. */
    static void appendAll(HashChainedAuditLog log, int from, int n) throws Exception {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = from; i < from + n; i++) fs.add(log.append(rec("k" + i)));
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    static Path writeLog(Path dir, int n) throws Exception {
        Path file = dir.resolve("audit.log");
        try (HashChainedAuditLog log = HashChainedAuditLog.open(file)) {
            appendAll(log, 1, n);
        }
        return file;
    }

    static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static void writeLines(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }
}
