package io.ikeseal.hsm.audit;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code <log>.head} side file: {@code {"seq":N,"hash":"...","check":"..."}} of the last committed record,
 * padded with spaces to {@value #WIDTH} octets. A chain cannot show that whole records were cut off its end; this
 * file can, unless the same attacker rewrote it too (that is what anchoring the head outside the host is for).
 *
 * <p>The writer replaces it atomically (temp file, rename) once at open, then overwrites it in place after each
 * group commit: one {@code pwrite} of {@value #WIDTH} octets at offset 0 through a descriptor it keeps open, no
 * rename, no fsync of its own. It is written only after the log was forced, so on disk it can lag the log but never
 * lead it. A crash can leave it stale (harmless: the log may be longer than the head) or torn (a mix of two
 * versions). The content never gets shorter, and {@code check} (CRC-32 of {@code seq:hash}, an error check, not a
 * seal) makes a torn mix unreadable rather than a wrong head; {@link HashChainedAuditLog#open} tolerates an
 * unreadable head. A head without {@code check} (written by earlier versions, always by rename) is still read.
 */
record AuditHead(long seq, String hash) {
    /** Octets of every head written in place: the longest content (a 19-digit seq) fits with room to spare. */
    static final int WIDTH = 128;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Path of(Path log) {
        return log.resolveSibling(log.getFileName() + ".head");
    }

    /** The fixed-width content: JSON, then spaces, then a newline at the last octet. */
    byte[] encode() {
        String json = "{\"seq\":" + seq + ",\"hash\":\"" + hash + "\",\"check\":\"" + check(seq, hash) + "\"}";
        byte[] b = new byte[WIDTH];
        Arrays.fill(b, (byte) ' ');
        byte[] j = json.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(j, 0, b, 0, j.length);
        b[WIDTH - 1] = '\n';
        return b;
    }

    /** Replaces the file atomically (at open, when its previous content may be of another format or length). */
    void replace(Path headFile) throws IOException {
        Path tmp = headFile.resolveSibling(headFile.getFileName() + ".tmp");
        Files.write(tmp, encode());
        Files.move(tmp, headFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Overwrites the file in place: one positional write of {@value #WIDTH} octets at offset 0. */
    void overwrite(FileChannel head) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(encode());
        while (b.hasRemaining()) head.write(b, b.position());
    }

    /** The descriptor {@link #overwrite} writes through, for a file {@link #replace} created. */
    static FileChannel openForOverwrite(Path headFile) throws IOException {
        return FileChannel.open(headFile, CREATE, WRITE);
    }

    private static String check(long seq, String hash) {
        CRC32 crc = new CRC32();
        crc.update((seq + ":" + hash).getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().toHexDigits((int) crc.getValue());
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
            JsonNode check = n == null ? null : n.get("check");
            if (seq != null
                    && seq.isIntegralNumber()
                    && seq.canConvertToLong()
                    && seq.longValue() >= 0
                    && hash != null
                    && AuditLine.isHash(hash.textValue())
                    && (check == null
                            || check(seq.longValue(), hash.textValue()).equals(check.textValue()))) {
                return new AuditHead(seq.longValue(), hash.textValue());
            }
        } catch (IOException e) {
            // fall through: unreadable
        }
        throw new AuditException(
                "head file " + headFile
                        + " is unreadable (want {\"seq\":N,\"hash\":\"<64 hex>\",\"check\":\"<CRC-32>\"}; a torn write reads so)");
    }
}
