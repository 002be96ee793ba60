package io.ikeseal.hsm.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

/** Issue 9 item 3: while the audit log cannot be written no token operation starts; it recovers by itself. */
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

            disk.fail();
            // The operation that finds the disk gone already ran: its result is withheld, and the recovery
            // record counts its record as not written.
            TokenException withheld =
                    assertThrows(TokenException.class, () -> Token.await(t.call(op, null, bodies::getAndIncrement)));
            assertTrue(withheld.getMessage().contains("withheld"), withheld.getMessage());
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
}
