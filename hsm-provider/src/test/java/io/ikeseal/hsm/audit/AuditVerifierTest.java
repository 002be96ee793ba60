package io.ikeseal.hsm.audit;

import static io.ikeseal.hsm.audit.AuditTestSupport.lines;
import static io.ikeseal.hsm.audit.AuditTestSupport.writeLines;
import static io.ikeseal.hsm.audit.AuditTestSupport.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditVerifierTest {
    @TempDir
    Path dir;

    private static void assertBad(AuditVerifier.Result r, long line, String reasonPart) {
        assertFalse(r.ok(), r::toString);
        assertEquals(line, r.firstBadLine(), r::toString);
        assertTrue(r.reason().contains(reasonPart), r::toString);
    }

    @Test
    void intactLogVerifies() throws Exception {
        Path f = writeLog(dir, 10);
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertTrue(r.ok(), r::toString);
        assertEquals(10, r.recordsChecked());
        assertEquals(0, r.firstBadLine());
    }

    @Test
    void editedFieldIsDetectedAtItsLine() throws Exception {
        Path f = writeLog(dir, 10);
        List<String> l = lines(f);
        l.set(4, l.get(4).replace("\"result\":\"ok\"", "\"result\":\"CKR_OK\""));
        writeLines(f, l);
        assertBad(AuditVerifier.verify(f), 5, "own hash");
    }

    @Test
    void deletedMiddleRecordIsDetected() throws Exception {
        Path f = writeLog(dir, 10);
        List<String> l = lines(f);
        l.remove(4);
        writeLines(f, l);
        assertBad(AuditVerifier.verify(f), 5, "seq 6 but follows seq 4");
    }

    @Test
    void swappedRecordsAreDetected() throws Exception {
        Path f = writeLog(dir, 10);
        List<String> l = lines(f);
        String t = l.get(4);
        l.set(4, l.get(5));
        l.set(5, t);
        writeLines(f, l);
        assertBad(AuditVerifier.verify(f), 5, "seq 6 but follows seq 4");
    }

    @Test
    void cutAndGluedMiddleIsDetected() throws Exception {
        Path f = writeLog(dir, 10);
        List<String> l = lines(f);
        // Cut inside line 4 and continue inside line 7 at the same offset: still one line, lines 5, 6 gone.
        int cut = l.get(3).indexOf("\"key\":");
        l.set(3, l.get(3).substring(0, cut) + l.get(6).substring(cut));
        l.subList(4, 7).clear();
        writeLines(f, l);
        assertBad(AuditVerifier.verify(f), 4, "line 4");
    }

    @Test
    void garbageAndTornLinesAreDetected() throws Exception {
        Path f = writeLog(dir, 10);
        List<String> l = lines(f);
        l.add(5, "not json at all");
        writeLines(f, l);
        assertBad(AuditVerifier.verify(f), 6, "not valid JSON");

        Path g = dir.resolve("torn.log");
        Files.writeString(g, lines(f).get(0) + "\n{\"seq\":2,\"ti", StandardCharsets.UTF_8);
        assertBad(AuditVerifier.verify(g), 2, "no trailing newline");
    }

    @Test
    void tailTruncationIsDetectedThroughTheHeadFile() throws Exception {
        Path f = writeLog(dir, 10);
        List<String> l = lines(f);
        writeLines(f, l.subList(0, 7));
        assertBad(AuditVerifier.verify(f), 8, "log ends at seq 7 but head file says 10");
    }

    @Test
    void rewrittenTailIsDetectedThroughTheHeadFile() throws Exception {
        Path f = writeLog(dir, 10);
        byte[] tenth = lines(f).get(9).getBytes(StandardCharsets.UTF_8);
        AuditLine last = AuditLine.parse(tenth, tenth.length);
        // A forged, correctly chained replacement for record 10.
        AuditLine forged = AuditLine.next(10, last.prev(), AuditTestSupport.rec("forged"));
        List<String> l = lines(f);
        l.set(9, new String(forged.line(), StandardCharsets.UTF_8));
        writeLines(f, l);
        assertBad(AuditVerifier.verify(f), 10, "does not have the hash the head file recorded");
    }

    @Test
    void withoutHeadFileOnlyAnExternalAnchorCatchesTailTruncation() throws Exception {
        Path f = writeLog(dir, 10);
        byte[] tenth = lines(f).get(9).getBytes(StandardCharsets.UTF_8);
        String hash10 = AuditLine.parse(tenth, tenth.length).hash();
        assertTrue(AuditVerifier.verify(f, 10, hash10).ok());

        writeLines(f, lines(f).subList(0, 7));
        Files.delete(AuditHead.of(f));
        assertTrue(AuditVerifier.verify(f).ok(), "a chain alone cannot see a cut tail");
        assertBad(AuditVerifier.verify(f, 10, hash10), 8, "log ends at seq 7 but the anchor says 10");
        assertBad(AuditVerifier.verify(f, 5, "f".repeat(64)), 5, "anchored hash");
    }

    @Test
    void unreadableHeadFileIsReported() throws Exception {
        Path f = writeLog(dir, 3);
        Files.write(AuditHead.of(f), new byte[16]);
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertFalse(r.ok());
        assertTrue(r.reason().contains("unreadable"), r::toString);
    }

    @Test
    void headLaggingBehindTheLogIsFine() throws Exception {
        Path f = writeLog(dir, 10);
        byte[] seventh = lines(f).get(6).getBytes(StandardCharsets.UTF_8);
        new AuditHead(7, AuditLine.parse(seventh, seventh.length).hash()).replace(AuditHead.of(f));
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertTrue(r.ok(), "after a crash the head may lag the log by one group");
        assertTrue(r.reason().endsWith("head file lags by 3 record(s)"), r::toString);
        assertEquals(1, r.notes().size(), r::toString);
        assertTrue(r.notes().get(0).contains("says seq 7, the log ends at 10"), r::toString);
    }

    @Test
    void missingHeadIsReported() throws Exception {
        Path f = writeLog(dir, 4);
        Files.delete(AuditHead.of(f));
        AuditVerifier.Result r = AuditVerifier.verify(f);
        assertTrue(r.ok(), r::toString);
        assertTrue(r.reason().endsWith("NO head file"), r::toString);
        assertTrue(r.notes().get(0).startsWith("no head file "), r::toString);
    }

    @Test
    void consistentLogHasNoNotes() throws Exception {
        AuditVerifier.Result r = AuditVerifier.verify(writeLog(dir, 3));
        assertEquals("3 records, chain intact, head file consistent", r.reason());
        assertEquals(List.of(), r.notes());
    }
}
