package io.ikeseal.hsm.audit;

import static io.ikeseal.hsm.audit.AuditTestSupport.TIMEOUT_S;
import static io.ikeseal.hsm.audit.AuditTestSupport.rec;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.ikeseal.hsm.api.AuditContext;

/**
 * Issue 12: records are released once queued, and the barrier is what keeps "a crash loses nothing that was acted
 * upon": it completes only after the force that covers every record queued before it (for an SA: up to the SA's last
 * record), at once on an idle log, and
 * fails when that force fails, when the log is broken or closed, and for an SA whose records were lost even after
 * the log recovered. Also the head file, now overwritten in place.
 */
class AuditBarrierTest {
    private static final String SPI = "0123456789abcdef"; // AuditTestSupport.rec's SA

    @TempDir
    Path dir;

    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger forces = new AtomicInteger();
    private final List<GatedChannel> channels = new ArrayList<>();

    private HashChainedAuditLog open(Path f) {
        return HashChainedAuditLog.open(f, file -> {
            GatedChannel c = new GatedChannel(FileChannel.open(file, CREATE, WRITE, APPEND), permits, forces);
            channels.add(c);
            return c;
        });
    }

    private static AuditException failure(CompletableFuture<Void> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(TIMEOUT_S, TimeUnit.SECONDS));
        return assertInstanceOf(AuditException.class, e.getCause());
    }

    /** Until the writer waits in a gated force (bounded: the test fails rather than hangs). */
    private void awaitWriterInForce() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!permits.hasQueuedThreads()) {
            assertTrue(System.nanoTime() < deadline, "the writer never reached its force");
            Thread.sleep(5);
        }
    }

    private static AuditRecord recOf(String spi) {
        return new AuditRecord(
                Instant.now(), "t", "C_DeriveKey", "CKM_ECDH1_DERIVE", "k", new AuditContext(spi, null, null), "ok", 1);
    }

    @Test
    void withoutABarrierRecordsAreForcedTogetherWithinTheDelay() throws Exception {
        permits.release(100);
        try (HashChainedAuditLog log = open(dir.resolve("audit.log"))) {
            List<CompletableFuture<Void>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) fs.add(log.append(rec("k" + i)));
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(1, forces.get(), "records nobody waits for share one force");
        }
    }

    @Test
    void barrierOnAnIdleLogCompletesAtOnce() throws Exception {
        permits.release(100);
        try (HashChainedAuditLog log = open(dir.resolve("audit.log"))) {
            assertTrue(log.barrier(SPI).isDone());
            log.append(rec("k1")).get(TIMEOUT_S, TimeUnit.SECONDS);
            CompletableFuture<Void> b = log.barrier(SPI);
            assertTrue(b.isDone() && !b.isCompletedExceptionally(), "nothing pending: no wait, no force of its own");
            assertEquals(1, forces.get());
        }
    }

    @Test
    void barrierCompletesOnlyAfterTheForceThatCoversItsRecords() throws Exception {
        try (HashChainedAuditLog log = open(dir.resolve("audit.log"))) {
            CompletableFuture<Void> r1 = log.append(rec("k1"));
            CompletableFuture<Void> b1 = log.barrier(SPI);
            Thread.sleep(100); // the writer has written k1 and waits in force
            assertFalse(b1.isDone(), "k1 is written but not forced");
            CompletableFuture<Void> r2 = log.append(rec("k2")); // queued while k1's batch is in force
            CompletableFuture<Void> b2 = log.barrier(SPI);
            permits.release(); // k1's force
            b1.get(TIMEOUT_S, TimeUnit.SECONDS);
            assertTrue(r1.isDone());
            Thread.sleep(100);
            assertFalse(b2.isDone(), "k2 rides on the next force");
            assertFalse(r2.isDone());
            permits.release();
            b2.get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(2, forces.get());
            permits.release(100);
        }
    }

    @Test
    void manyBarriersRideOnOneForce() throws Exception {
        try (HashChainedAuditLog log = open(dir.resolve("audit.log"))) {
            var _ = log.append(rec("k0"));
            CompletableFuture<Void> b0 = log.barrier(SPI); // due now
            Thread.sleep(100); // the writer holds k0's batch in force: the rest queue up behind it
            List<CompletableFuture<Void>> bs = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                var _ = log.append(rec("k" + i));
                bs.add(log.barrier(SPI));
            }
            permits.release(2);
            b0.get(TIMEOUT_S, TimeUnit.SECONDS);
            CompletableFuture.allOf(bs.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(2, forces.get(), "one force for k0, one for the 50 records and their 50 barriers");
            permits.release(100);
        }
    }

    @Test
    void anSasBarrierWaitsForItsLastRecordAndWhatCameBeforeNotForOtherSasLaterRecords() throws Exception {
        String a = "00000000000000aa";
        String b = "00000000000000bb";
        try (HashChainedAuditLog log = open(dir.resolve("audit.log"))) {
            // e.g. a pooled key pair, made before A used it
            CompletableFuture<Void> anonymous = log.append(new AuditRecord(
                    Instant.now(),
                    "t",
                    "C_GenerateKeyPair",
                    "CKM_EC_KEY_PAIR_GEN",
                    "pool",
                    AuditContext.NONE,
                    "ok",
                    1));
            CompletableFuture<Void> ofA = log.append(recOf(a));
            CompletableFuture<Void> firstOfA = log.barrier(a); // due now
            awaitWriterInForce(); // it holds the first batch
            CompletableFuture<Void> ofB = log.append(recOf(b)); // queued behind it
            CompletableFuture<Void> againOfA = log.barrier(a); // A has nothing new: the first force covers it
            CompletableFuture<Void> ofBBarrier = log.barrier(b);
            CompletableFuture<Void> unknown = log.barrier("00000000000000cc"); // no record remembered: everything
            CompletableFuture<Void> none = log.barrier(null);
            permits.release(); // the first force
            firstOfA.get(TIMEOUT_S, TimeUnit.SECONDS);
            againOfA.get(TIMEOUT_S, TimeUnit.SECONDS);
            assertTrue(anonymous.isDone() && ofA.isDone(), "A's barrier covers A's record and every one before it");
            Thread.sleep(100);
            assertFalse(ofB.isDone());
            assertFalse(ofBBarrier.isDone(), "B's record rides on the second force");
            assertFalse(unknown.isDone(), "an SA without a remembered record waits for everything queued before");
            assertFalse(none.isDone());
            permits.release();
            CompletableFuture.allOf(ofBBarrier, unknown, none).get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(2, forces.get());
            CompletableFuture<Void> idle = log.barrier(a);
            assertTrue(idle.isDone() && !idle.isCompletedExceptionally());
            permits.release(100);
        }
    }

    @Test
    void anSaPastTheBoundGetsTheFullBarrierAgain() throws Exception {
        String a = "00000000000000aa";
        String latest = String.format("%016x", 0x1000 + HashChainedAuditLog.MAX_LAST_OF_SA - 1);
        permits.release(1_000);
        try (HashChainedAuditLog log = open(dir.resolve("audit.log"))) {
            log.append(recOf(a)).get(TIMEOUT_S, TimeUnit.SECONDS);
            List<CompletableFuture<Void>> others = new ArrayList<>();
            for (int i = 0; i < HashChainedAuditLog.MAX_LAST_OF_SA; i++) {
                others.add(log.append(recOf(String.format("%016x", 0x1000 + i)))); // pushes A out of the bound
            }
            CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            permits.drainPermits();
            var _ = log.append(recOf("00000000000000bb"));
            awaitWriterInForce(); // B's batch, after MAX_UNFORCED_MS
            assertTrue(log.barrier(latest).isDone(), "an SA still remembered, all its records forced: at once");
            CompletableFuture<Void> forgotten = log.barrier(a);
            Thread.sleep(50);
            assertFalse(forgotten.isDone(), "A is no longer remembered: it waits for everything queued, B included");
            permits.release(1_000);
            forgotten.get(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailedForceFailsTheBarrierAndTheLostSaStaysFailedAfterRecovery() throws Exception {
        Path f = dir.resolve("audit.log");
        permits.release(1_000);
        try (HashChainedAuditLog log = open(f)) {
            log.append(recOf(SPI)).get(TIMEOUT_S, TimeUnit.SECONDS);
            channels.getLast().failForce();
            CompletableFuture<Void> queued = log.append(recOf(SPI)); // released to its caller: it is queued
            CompletableFuture<Void> b = log.barrier(SPI);
            assertTrue(failure(b).getMessage().contains("not durable"));
            failure(queued);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (log.broken() && System.nanoTime() < deadline) Thread.sleep(5); // recovers on a fresh descriptor
            assertFalse(log.broken());
            // A result of SA SPI was released before the loss: nothing of that SA may leave, recovered or not.
            assertTrue(failure(log.barrier(SPI)).getMessage().contains("was lost"));
            // Other SAs, and SAs that start now, go on.
            log.append(recOf("00000000000000aa")).get(TIMEOUT_S, TimeUnit.SECONDS);
            log.barrier("00000000000000aa").get(TIMEOUT_S, TimeUnit.SECONDS);
            log.barrier(null).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertTrue(r.ok(), r::toString);
        assertTrue(r.notes().getFirst().contains("1 record(s) not written"), r::toString);
    }

    @Test
    void whileBrokenOnlyTheSasThatLostRecordsAndAnonymousBarriersFailAndAllOnceClosed() throws Exception {
        BreakableDisk disk = new BreakableDisk();
        HashChainedAuditLog log = disk.open(dir.resolve("audit.log"));
        try {
            log.append(recOf("00000000000000bb")).get(TIMEOUT_S, TimeUnit.SECONDS); // forced: SA bb lost nothing
            disk.fail();
            CompletableFuture<Void> lost = log.append(recOf(SPI)); // queued, then the write fails
            CompletableFuture<Void> waitsForIt = log.barrier(SPI);
            CompletableFuture<Void> anonymous = log.barrier(null);
            failure(lost);
            assertTrue(failure(waitsForIt).getMessage().contains("not durable"));
            failure(anonymous);
            assertTrue(log.broken());
            assertTrue(failure(log.barrier(SPI)).getMessage().contains("was lost"));
            assertTrue(failure(log.barrier(null)).getMessage().contains("cannot be written"));
            // An established SA whose records are all on disk keeps answering on its host-side keys.
            log.barrier("00000000000000bb").get(TIMEOUT_S, TimeUnit.SECONDS);
        } finally {
            log.close();
        }
        assertTrue(failure(log.barrier("00000000000000bb")).getMessage().contains("closed"));
    }

    @Test
    void aBarrierWaitingWhenTheBatchFailsCompletesForAnSaThatLostNothing() throws Exception {
        try (HashChainedAuditLog log = open(dir.resolve("audit.log"))) {
            permits.release();
            log.append(recOf("00000000000000cc")).get(TIMEOUT_S, TimeUnit.SECONDS);
            channels.getLast().failForce();
            CompletableFuture<Void> lost = log.append(recOf(SPI));
            CompletableFuture<Void> other = log.barrier("00000000000000cc"); // waits for SPI's batch
            CompletableFuture<Void> mine = log.barrier(SPI);
            permits.release(1_000);
            failure(lost);
            failure(mine);
            other.get(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    @Test
    void headIsOverwrittenInPlaceWithAFixedWidth() throws Exception {
        Path f = dir.resolve("audit.log");
        permits.release(1_000);
        Path head = AuditHead.of(f);
        try (HashChainedAuditLog log = open(f)) {
            Object inode = Files.getAttribute(head, "unix:ino");
            for (int i = 1; i <= 20; i++) log.append(rec("k" + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
            log.barrier(null).get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(inode, Files.getAttribute(head, "unix:ino"), "no rename per commit");
            assertFalse(Files.exists(head.resolveSibling(head.getFileName() + ".tmp")));
        }
        byte[] b = Files.readAllBytes(head);
        assertEquals(AuditHead.WIDTH, b.length);
        assertEquals(20, AuditHead.read(head).seq());
        assertTrue(AuditVerifier.verify(f).reason().endsWith("head file consistent"));
    }

    @Test
    void aTornHeadIsUnreadableNotWrongAndOpenRewritesIt() throws Exception {
        Path f = dir.resolve("audit.log");
        permits.release(1_000);
        try (HashChainedAuditLog log = open(f)) {
            log.append(rec("k1")).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        byte[] one = Files.readAllBytes(AuditHead.of(f));
        try (HashChainedAuditLog log = open(f)) {
            log.append(rec("k2")).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        byte[] two = Files.readAllBytes(AuditHead.of(f));
        // A write cut inside the hash: seq and the first half of the hash new, the rest old. Without a check it
        // would read as a head whose record has another hash, and open would refuse the log.
        byte[] torn = two.clone();
        System.arraycopy(one, 50, torn, 50, torn.length - 50);
        Files.write(AuditHead.of(f), torn);
        String text = new String(torn, StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("{\"seq\":2,"), text);
        AuditException e = assertThrows(AuditException.class, () -> AuditHead.read(AuditHead.of(f)));
        assertTrue(e.getMessage().contains("unreadable"), e.getMessage());
        try (HashChainedAuditLog log = open(f)) {
            log.append(rec("k3")).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        assertTrue(AuditVerifier.verify(f).ok());
        assertEquals(3, AuditHead.read(AuditHead.of(f)).seq());
    }

    @Test
    void aHeadOfTheOldFormatIsStillRead() throws Exception {
        Path f = AuditTestSupport.writeLog(dir, 2);
        AuditHead h = AuditHead.read(AuditHead.of(f));
        Files.writeString(AuditHead.of(f), "{\"seq\":" + h.seq() + ",\"hash\":\"" + h.hash() + "\"}\n");
        permits.release(1_000);
        try (HashChainedAuditLog log = open(f)) {
            log.append(rec("k3")).get(TIMEOUT_S, TimeUnit.SECONDS);
        }
        assertTrue(AuditVerifier.verify(f).ok());
        assertEquals(AuditHead.WIDTH, Files.size(AuditHead.of(f)));
    }
}
