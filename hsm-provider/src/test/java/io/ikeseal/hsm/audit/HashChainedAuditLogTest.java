package io.ikeseal.hsm.audit;

import static io.ikeseal.hsm.audit.AuditTestSupport.TIMEOUT_S;
import static io.ikeseal.hsm.audit.AuditTestSupport.appendAll;
import static io.ikeseal.hsm.audit.AuditTestSupport.lines;
import static io.ikeseal.hsm.audit.AuditTestSupport.rec;
import static io.ikeseal.hsm.audit.AuditTestSupport.writeLines;
import static io.ikeseal.hsm.audit.AuditTestSupport.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashChainedAuditLogTest {
    @TempDir
    Path dir;

    private static AuditLine parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return AuditLine.parse(b, b.length);
    }

    private static AuditException failure(CompletableFuture<Void> f) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(TIMEOUT_S, TimeUnit.SECONDS));
        return assertInstanceOf(AuditException.class, e.getCause());
    }

    @Test
    void appendsChainAndReopenContinues() throws Exception {
        Path f = writeLog(dir, 5);
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
            appendAll(log, 6, 3);
        }
        List<String> l = lines(f);
        assertEquals(8, l.size());
        assertEquals(AuditLine.GENESIS, parse(l.get(0)).prev());
        assertEquals(parse(l.get(4)).hash(), parse(l.get(5)).prev());
        assertTrue(l.get(0).startsWith("{\"seq\":1,\"time\":\""), l.get(0));
        assertEquals("k8", parse(l.get(7)).key());
        assertTrue(AuditVerifier.verify(f).ok());
        assertTrue(Files.readString(AuditHead.of(f))
                .contains("\"seq\":8,\"hash\":\"" + parse(l.get(7)).hash()));
    }

    @Test
    void tornTailIsTruncatedAndMarked() throws Exception {
        Path f = writeLog(dir, 5);
        String torn = "{\"seq\":6,\"time\":\"2024-";
        Files.writeString(f, torn, StandardOpenOption.APPEND); // crash mid-write: no newline
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
            appendAll(log, 7, 1);
        }
        List<String> l = lines(f);
        assertEquals(7, l.size());
        AuditLine marker = parse(l.get(5));
        assertEquals(6, marker.seq());
        assertEquals(HashChainedAuditLog.RECOVERED_OPERATION, marker.op());
        assertEquals("truncated " + torn.length() + " bytes", marker.result());
        assertEquals(parse(l.get(4)).hash(), marker.prev());
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertTrue(r.ok(), r::toString);
        assertEquals(7, r.recordsChecked());
    }

    @Test
    void tornOnlyLineRecoversToGenesis() throws Exception {
        Path f = dir.resolve("audit.log");
        Files.write(f, new byte[100]); // zeros: what some file systems show for unwritten blocks
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
            appendAll(log, 1, 1);
        }
        assertEquals("truncated 100 bytes", parse(lines(f).get(0)).result());
        assertTrue(AuditVerifier.verify(f).ok());
    }

    @Test
    void openRefusesInvalidCompleteLastLine() throws Exception {
        Path f = writeLog(dir, 3);
        List<String> l = lines(f);
        l.set(2, l.get(2).replace("\"result\":\"ok\"", "\"result\":\"CKR_OK\""));
        writeLines(f, l);
        AuditException e = assertThrows(AuditException.class, () -> HashChainedAuditLog.open(f));
        assertTrue(e.getMessage().contains("not a torn append"), e.getMessage());
    }

    @Test
    void openRefusesLogThatEndsBeforeItsHead() throws Exception {
        Path f = writeLog(dir, 10);
        writeLines(f, lines(f).subList(0, 7));
        AuditException e = assertThrows(AuditException.class, () -> HashChainedAuditLog.open(f));
        assertTrue(e.getMessage().contains("ends at seq 7 but head file says 10"), e.getMessage());
        assertFalse(AuditVerifier.verify(f).ok(), "the refusal must not have overwritten the evidence");
    }

    @Test
    void openToleratesUnreadableHeadAndRewritesIt() throws Exception {
        Path f = writeLog(dir, 3);
        Files.write(AuditHead.of(f), new byte[0]);
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
            appendAll(log, 4, 1);
        }
        assertTrue(AuditVerifier.verify(f).ok());
    }

    @Test
    void concurrentAppendersProduceOneValidChain() throws Exception {
        int threads = 8, perThread = 500;
        Path f = dir.resolve("audit.log");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<CompletableFuture<Void>>>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.add(pool.submit(() -> {
                    start.await(TIMEOUT_S, TimeUnit.SECONDS);
                    List<CompletableFuture<Void>> fs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        CompletableFuture<Void> done = log.append(rec("t" + id + "-" + i));
                        fs.add(done);
                        if (id % 2 == 0) log.barrier(null).get(TIMEOUT_S, TimeUnit.SECONDS); // half act per record
                    }
                    return fs;
                }));
            }
            start.countDown();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Future<List<CompletableFuture<Void>>> w : workers) all.addAll(w.get(TIMEOUT_S, TimeUnit.SECONDS));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals(threads * perThread, all.size());
            assertTrue(all.stream().allMatch(c -> c.isDone() && !c.isCompletedExceptionally()));
        } finally {
            pool.shutdownNow();
        }
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertTrue(r.ok(), r::toString);
        assertEquals((long) threads * perThread, r.recordsChecked());
        // Every record exactly once, and each thread's records in its program order.
        Map<String, Integer> next = new HashMap<>();
        for (String line : lines(f)) {
            String[] k = parse(line).key().substring(1).split("-", -1);
            int expected = next.getOrDefault(k[0], 0);
            assertEquals(expected, Integer.parseInt(k[1]), "thread " + k[0]);
            next.put(k[0], expected + 1);
        }
        assertEquals(threads, next.size());
        assertTrue(next.values().stream().allMatch(n -> n == perThread));
    }

    @Test
    void writeFailureFailsClosedUntilClosedAndStaysBroken() throws Exception {
        Path f = dir.resolve("audit.log");
        BreakableDisk disk = new BreakableDisk();
        HashChainedAuditLog log = disk.open(f);
        try {
            appendAll(log, 1, 2);
            disk.fail(); // the disk goes away for good
            AuditException first = failure(log.append(rec("k3")));
            assertTrue(first.getMessage().contains("failed writing after seq 2"), first.getMessage());
            assertTrue(first.getMessage().contains("not durable"), first.getMessage());
            assertTrue(log.broken());
            assertTrue(log.admit().orElseThrow().contains("cannot be written"));
            AuditException later = failure(log.append(rec("k4")));
            assertTrue(later.getMessage().contains("cannot be written (retrying)"), later.getMessage());
        } finally {
            log.close();
        }
        assertTrue(log.broken(), "closed while broken: the caller must be able to tell");
        assertTrue(log.admit().isPresent());
        assertTrue(AuditVerifier.verify(f).ok());
        try (HashChainedAuditLog again = HashChainedAuditLog.open(f)) { // the failed writer released its lock
            appendAll(again, 3, 1);
        }
        assertEquals(3, AuditVerifier.verify(f).recordsChecked());
    }

    @Test
    void recoversWhenTheDiskComesBackAndChainsARecoveryRecord() throws Exception {
        Path f = dir.resolve("audit.log");
        BreakableDisk disk = new BreakableDisk();
        try (HashChainedAuditLog log = disk.open(f)) {
            appendAll(log, 1, 2);
            disk.fail();
            failure(log.append(rec("k3"))); // the record that finds the disk gone: not written
            for (int i = 0; i < 4; i++) assertTrue(log.admit().isPresent());
            failure(log.append(rec("k4")));
            // Part of the failed batch reached the file before the error: never acknowledged, so it must go.
            Files.writeString(f, "{\"seq\":3,\"time\":\"20", StandardOpenOption.APPEND);
            Thread.sleep(300); // a few retries fail meanwhile
            assertTrue(log.broken());
            disk.heal();
            disk.awaitRecovered(java.time.Duration.ofSeconds(10));
            assertTrue(log.admit().isEmpty());
            appendAll(log, 5, 2);
        }
        List<String> l = lines(f);
        assertEquals(5, l.size());
        AuditLine marker = parse(l.get(2));
        assertEquals(3, marker.seq());
        assertEquals(HashChainedAuditLog.RECOVERED_OPERATION, marker.op());
        assertTrue(marker.result().contains("2 record(s) not written, 4 operation(s) refused"), marker.result());
        assertTrue(
                marker.result().contains("No space left on device")
                        || marker.result().contains("Closed"),
                marker.result());
        assertEquals("k5", parse(l.get(3)).key());
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertTrue(r.ok(), r.reason());
        assertTrue(r.reason().contains("1 recovery record"), r.reason());
    }

    @Test
    void appendAfterCloseFailsAndCloseFlushes() throws Exception {
        Path f = dir.resolve("audit.log");
        HashChainedAuditLog log = HashChainedAuditLog.open(f);
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) fs.add(log.append(rec("k" + i)));
        log.close();
        assertTrue(
                fs.stream().allMatch(c -> c.isDone() && !c.isCompletedExceptionally()),
                "close flushes what was queued");
        assertTrue(failure(log.append(rec("late"))).getMessage().contains("is closed"));
        log.close(); // idempotent
        assertEquals(100, AuditVerifier.verify(f).recordsChecked());
    }

    @Test
    void secondOpenInThisProcessFails() throws Exception {
        Path f = dir.resolve("audit.log");
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
            AuditException e =
                    assertThrows(AuditException.class, () -> HashChainedAuditLog.open(dir.resolve("./audit.log")));
            assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
            appendAll(log, 1, 1); // the refused open left the first one working
        }
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) {
            appendAll(log, 2, 1);
        }
        assertEquals(2, AuditVerifier.verify(f).recordsChecked());
    }

    @Test
    void secondOpenFromAnotherProcessFails() throws Exception {
        Path f = dir.resolve("audit.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        AuditLockHolder.class.getName(),
                        f.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String said = CompletableFuture.supplyAsync(() -> {
                        try {
                            for (String s; (s = out.readLine()) != null; ) if (s.equals("locked")) return s;
                            return "child exited";
                        } catch (Exception e) {
                            return e.toString();
                        }
                    })
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            assertEquals("locked", said);
            AuditException e = assertThrows(AuditException.class, () -> HashChainedAuditLog.open(f));
            assertTrue(e.getMessage().contains("already open by another process"), e.getMessage());
            child.getOutputStream().close();
            assertTrue(child.waitFor(TIMEOUT_S, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly();
        }
        try (HashChainedAuditLog log = HashChainedAuditLog.open(f)) { // lock released with the process
            appendAll(log, 1, 1);
        }
    }
}
