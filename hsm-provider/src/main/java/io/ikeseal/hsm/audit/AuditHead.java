package io.ikeseal.hsm.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code <log>.head} side file: {@code {"seq":N,"hash":"..."}} of the last committed record. A chain
 * cannot show that whole records were cut off its end; this file can, unless the same attacker rewrote it
 * too (that is what anchoring the head outside the host is for).
 *
 * <p>It is replaced (write temp, atomic rename) after each group commit, without its own fsync: it is written
 * only after the log was forced, so on disk it can lag the log but never lead it. A crash can therefore
 * leave it stale (harmless: the log may be longer than the head) or, on some file systems, unreadable
 * (see {@link HashChainedAuditLog#open}).
 */
record AuditHead(long seq, String hash) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Path of(Path log) {
        return log.resolveSibling(log.getFileName() + ".head");
    }

    void writeTo(Path headFile) throws IOException {
        Path tmp = headFile.resolveSibling(headFile.getFileName() + ".tmp");
        Files.write(tmp, ("{\"seq\":" + seq + ",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, headFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads the head file: null if there is none; throws AuditException if it exists but is not a valid head. */
    static AuditHead read(Path headFile) throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(headFile);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            JsonNode n = MAPPER.readTree(b);
            JsonNode seq = n == null ? null : n.get("seq");
            JsonNode hash = n == null ? null : n.get("hash");
            if (seq != null
                    && seq.isIntegralNumber()
                    && seq.canConvertToLong()
                    && seq.longValue() >= 0
                    && hash != null
                    && AuditLine.isHash(hash.textValue())) {
                return new AuditHead(seq.longValue(), hash.textValue());
            }
        } catch (IOException e) {
            // fall through: unreadable
        }
        throw new AuditException("head file " + headFile + " is unreadable (want {\"seq\":N,\"hash\":\"<64 hex>\"})");
    }
}
