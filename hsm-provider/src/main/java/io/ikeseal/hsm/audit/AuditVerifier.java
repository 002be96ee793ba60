package io.ikeseal.hsm.audit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link HashChainedAuditLog} file end to end. It stops at the first bad line and detects: an
 * edited record (not canonical, or hash mismatch), a deleted, inserted or reordered record (seq gap or
 * {@code prev} mismatch), a cut-and-glued middle, a torn or garbage line. {@code audit-recovered} records
 * (a torn tail cut at open, or the log resuming after a write failure) are ordinary chain members; each is
 * reported in {@link Result#notes}, since each marks records that were never written.
 *
 * <p><b>Tail truncation</b>: deleting the last N whole records leaves a valid chain, so the chain alone cannot
 * show it. Two anchors can: the {@code <log>.head} file the writer keeps (checked when present: "log ends
 * at seq N but head file says M"), and a {@code (seq, hash)} pair the operator recorded elsewhere, given to
 * {@link #verify(Path, long, String)}. Whoever can rewrite both log and head file can still truncate (or
 * rewrite the whole chain); only an anchor kept off-host catches that. A log longer than its head is fine:
 * the head is updated after each fsync and may lag by one group after a crash.
 */
public final class AuditVerifier {
    /**
     * The outcome of a verification.
     *
     * @param firstBadLine 1-based line of the first problem, 0 if ok; for a missing tail it is the line where
     *                     the first missing record would be
     * @param recordsChecked valid records before the first problem
     * @param notes what an auditor should look at in a valid log: each recovery record, a missing head
     *     file, a head that lags the log
     */
    public record Result(boolean ok, long recordsChecked, long firstBadLine, String reason, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    /** Recovery records listed one by one in {@link Result#notes}; beyond that only counted. */
    static final int MAX_LISTED_RECOVERIES = 20;

    private AuditVerifier() {}

    /** Verifies the chain, and the head file if present. @throws AuditException if the file cannot be read */
    public static Result verify(Path file) {
        return verify(file, -1, null);
    }

    /**
     * As {@link #verify(Path)}, and also requires the record {@code expectedLastSeq} to be present with hash
     * {@code expectedLastHash} (later records are allowed: the log keeps growing after you took the anchor).
     */
    public static Result verify(Path file, long expectedLastSeq, String expectedLastHash) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return check(file, in, expectedLastSeq, expectedLastHash);
        } catch (IOException e) {
            throw new AuditException(
                    "cannot read audit log " + file + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"),
                    e);
        }
    }

    private static Result check(Path file, InputStream in, long anchorSeq, String anchorHash) throws IOException {
        AuditHead head;
        try {
            head = AuditHead.read(AuditHead.of(file));
        } catch (AuditException e) {
            return new Result(false, 0, 0, e.getMessage(), List.of());
        }
        byte[] buf = new byte[AuditLine.MAX_LINE_BYTES + 1];
        long lineNo = 0, seq = 0, recovered = 0, headLine = 0, anchorLine = 0;
        String prev = AuditLine.GENESIS, headSeen = null, anchorSeen = null;
        List<String> notes = new ArrayList<>();
        while (true) {
            int len = 0;
            boolean newline = false;
            for (int b; (b = in.read()) != -1; ) {
                if (b == '\n') {
                    newline = true;
                    break;
                }
                if (len < buf.length) buf[len++] = (byte) b; // longer lines fail parse's length check
            }
            if (len == 0 && !newline) break; // clean end of file
            lineNo++;
            if (!newline)
                return bad(
                        seq,
                        lineNo,
                        "line " + lineNo
                                + " has no trailing newline: a torn write (crash) or truncation; opening the log recovers it");
            AuditLine l;
            try {
                l = AuditLine.parse(buf, len);
            } catch (AuditException e) {
                return bad(seq, lineNo, "line " + lineNo + " " + e.getMessage());
            }
            if (l.seq() != seq + 1) {
                return bad(
                        seq,
                        lineNo,
                        "line " + lineNo + " has seq " + l.seq() + " but follows seq " + seq
                                + ": records deleted, inserted or reordered");
            }
            if (!l.prev().equals(prev)) {
                return bad(
                        seq,
                        lineNo,
                        "line " + lineNo + " (seq " + l.seq() + ") has a prev that is not the hash of "
                                + (seq == 0 ? "the genesis value" : "seq " + seq)
                                + ": records deleted, replaced or reordered");
            }
            seq = l.seq();
            prev = l.hash();
            if (HashChainedAuditLog.RECOVERED_OPERATION.equals(l.op()) && ++recovered <= MAX_LISTED_RECOVERIES) {
                notes.add("recovery record seq " + seq + " (line " + lineNo + ", " + l.time() + "): " + l.result());
            }
            if (head != null && seq == head.seq()) {
                headSeen = l.hash();
                headLine = lineNo;
            }
            if (seq == anchorSeq) {
                anchorSeen = l.hash();
                anchorLine = lineNo;
            }
        }
        if (head != null && head.seq() > seq) {
            return bad(
                    seq,
                    lineNo + 1,
                    "log ends at seq " + seq + " but head file says " + head.seq() + ": records removed from its end");
        }
        if (head != null && head.seq() > 0 && !head.hash().equals(headSeen)) {
            return bad(
                    seq,
                    headLine,
                    "record seq " + head.seq() + " (line " + headLine
                            + ") does not have the hash the head file recorded");
        }
        if (anchorSeq >= 0 && anchorSeq > seq) {
            return bad(
                    seq,
                    lineNo + 1,
                    "log ends at seq " + seq + " but the anchor says " + anchorSeq + ": records removed from its end");
        }
        if (anchorSeq > 0 && !String.valueOf(anchorHash).equals(anchorSeen)) {
            return bad(
                    seq,
                    anchorLine,
                    "record seq " + anchorSeq + " (line " + anchorLine + ") does not have the anchored hash");
        }
        if (recovered > MAX_LISTED_RECOVERIES) {
            notes.add("... and " + (recovered - MAX_LISTED_RECOVERIES) + " more recovery record(s)");
        }
        String headState;
        if (head == null) {
            headState = ", NO head file";
            if (seq > 0) {
                notes.add("no head file " + AuditHead.of(file)
                        + ": records cut off the log's end would go unnoticed (the writer keeps it; was it deleted?)");
            }
        } else if (head.seq() < seq) {
            headState = ", head file lags by " + (seq - head.seq()) + " record(s)";
            notes.add("head file " + AuditHead.of(file) + " says seq " + head.seq() + ", the log ends at " + seq
                    + ": a crash between fsync and head update, or the head could not be written");
        } else {
            headState = ", head file consistent";
        }
        return new Result(
                true,
                seq,
                0,
                seq + " records, chain intact"
                        + (recovered > 0 ? ", " + recovered + " recovery record(s)" : "")
                        + headState
                        + (anchorSeq >= 0 ? ", anchor consistent" : ""),
                notes);
    }

    private static Result bad(long checked, long line, String reason) {
        return new Result(false, checked, line, reason, List.of());
    }
}
