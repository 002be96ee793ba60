package io.ikeseal.hsm.audit;

import static java.nio.file.StandardOpenOption.READ;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The end of a log as {@link HashChainedAuditLog#open} needs it, read backwards so cost does not grow with
 * the log: {@code keep} bytes up to and including the last {@code '\n'}, {@code torn} bytes after it (a
 * write cut by a crash), and the last complete line, parsed and checked on its own ({@code null} if none).
 */
record AuditTail(long keep, long torn, AuditLine last) {

    /** @throws AuditException if the last complete line is invalid: that is not a torn append */
    static AuditTail read(Path file) throws IOException {
        try (FileChannel rd = FileChannel.open(file, READ)) {
            long size = rd.size();
            long nl = lastNewline(rd, size, 0);
            if (nl < 0) return new AuditTail(0, size, null);
            long floor = Math.max(0, nl - AuditLine.MAX_LINE_BYTES - 1);
            long start = lastNewline(rd, nl, floor) + 1;
            if (start == 0 && floor > 0) {
                throw new AuditException(
                        "cannot continue audit log " + file + ": its last complete line is longer than "
                                + AuditLine.MAX_LINE_BYTES + " bytes; inspect it with AuditVerifier");
            }
            ByteBuffer line = ByteBuffer.allocate((int) (nl - start));
            readFully(rd, line, start);
            try {
                return new AuditTail(nl + 1, size - nl - 1, AuditLine.parse(line.array(), line.capacity()));
            } catch (AuditException e) {
                throw new AuditException(
                        "cannot continue audit log " + file + ": its last complete line " + e.getMessage()
                                + "; that is not a torn append (it has its newline), so refusing to chain onto it; inspect with AuditVerifier");
            }
        }
    }

    /** Position of the last '\n' in [floor, before), or -1. */
    private static long lastNewline(FileChannel rd, long before, long floor) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        for (long end = before; end > floor; ) {
            long start = Math.max(floor, end - buf.capacity());
            buf.clear().limit((int) (end - start));
            readFully(rd, buf, start);
            for (int i = buf.limit() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') return start + i;
            }
            end = start;
        }
        return -1;
    }

    private static void readFully(FileChannel rd, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            if (rd.read(buf, pos + buf.position()) < 0) throw new IOException("file shrank while reading its tail");
        }
    }
}
