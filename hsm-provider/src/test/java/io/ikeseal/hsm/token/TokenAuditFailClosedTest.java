package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditVerifier;
import io.ikeseal.hsm.audit.BreakableDisk;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * Issue 9 item 3: while the audit log cannot be written no token operation starts; it recovers by itself. Issue 12:
 * a result is released once queued, and the barrier in front of any action on it fails if its record is lost.
 */
class TokenAuditFailClosedTest {
    @RegisterExtension
    static NssExtension hsm = NssExtension.create();

    @TempDir
    Path dir;

    @Test
    void noTokenWorkWhileTheLogIsBrokenAndAutomaticRecovery() throws Exception {
        Path file = dir.resolve("audit.log");
        BreakableDisk disk = new BreakableDisk();
        AtomicInteger bodies = new AtomicInteger(); // token work actually started
        TokenOperation op = new TokenOperation("probe", "-", "k");
        try (HashChainedAuditLog log = disk.open(file);
                Token t = TestTokens.nss(hsm.token(), log, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE)) {
            for (int i = 0; i < 3; i++) assertEquals(i, Token.await(t.call(op, null, () -> bodies.getAndIncrement())));
            log.barrier(null).get(10, TimeUnit.SECONDS); // released once queued: durable only now

            disk.fail();
            // The operation that finds the disk gone already ran and its record was queued: the result is released,
            // but the barrier anyone acting on it must pass fails, and the recovery record counts the record as
            // not written.
            assertEquals(3, Token.await(t.call(op, null, bodies::getAndIncrement)));
            var barrier = log.barrier(null);
            ExecutionException lost = assertThrows(ExecutionException.class, () -> barrier.get(10, TimeUnit.SECONDS));
            assertTrue(lost.getCause().getMessage().contains("not durable"), lost.getCause()::toString);
            assertTrue(log.broken());
            int ranBeforeDetection = bodies.get();

            for (int i = 0; i < 32; i++) {
                TokenException refused = assertThrows(
                        TokenException.class, () -> Token.await(t.call(op, null, bodies::getAndIncrement)));
                assertTrue(refused.getMessage().contains("not run: audit log"), refused.getMessage());
            }
            assertEquals(ranBeforeDetection, bodies.get(), "no token operation may start while the log is broken");

            disk.heal();
            Duration recovery = disk.awaitRecovered(Duration.ofSeconds(10));
            System.out.println("audit recovery after the disk came back: " + recovery.toMillis() + " ms");
            assertEquals(ranBeforeDetection, Token.await(t.call(op, null, bodies::getAndIncrement)));
        }
        AuditVerifier.Result r = AuditVerifier.verify(file);
        assertTrue(r.ok(), r::toString);
        assertTrue(r.reason().contains("1 recovery record(s), head file consistent"), r::toString);
        List<String> marker = r.notes();
        assertTrue(marker.get(0).contains("1 record(s) not written, 32 operation(s) refused"), r::toString);
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.get(lines.size() - 1).contains("\"op\":\"probe\""), lines::toString);
    }

    @Test
    void aResultIsReleasedOnceItsRecordIsQueuedNotOnceItIsForced() throws Exception {
        List<io.ikeseal.hsm.audit.AuditRecord> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.ikeseal.hsm.audit.AuditSink neverForced = new io.ikeseal.hsm.audit.AuditSink() {
            @Override
            public java.util.concurrent.CompletableFuture<Void> append(io.ikeseal.hsm.audit.AuditRecord r) {
                queued.add(r);
                // The probe's record never reaches the disk; start-up's (login waits for it) does.
                return r.operation().equals("probe")
                        ? new java.util.concurrent.CompletableFuture<>()
                        : java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {}
        };
        try (Token t = TestTokens.nss(hsm.token(), neverForced, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE)) {
            queued.clear(); // start-up self-tests
            assertEquals(7, Token.await(t.call(new TokenOperation("probe", "-", "k"), null, () -> 7)));
            assertEquals(1, queued.size(), "released with its record queued");
        }
    }
}
