package io.ikeseal.agent.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Reads a pre-shared key for import: from a file, an environment variable, the terminal (no echo, typed twice)
 * or stdin. The returned array is the caller's to wipe; intermediate copies are wiped here. Error messages
 * never quote the input.
 */
final class PskInput {
    /** How the PSK's octets are written. */
    enum Encoding {
        /** UTF-8 text; one trailing newline is dropped. */
        TEXT,
        /** Hexadecimal, optionally with a 0x prefix; whitespace is ignored. */
        HEX,
        /** Base64; whitespace is ignored. */
        BASE64,
        /** The file's octets exactly (files and stdin only). */
        BINARY
    }

    private PskInput() {}

    static byte[] fromFile(Path file, Encoding enc) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException(
                    "cannot read PSK file " + file + ": " + e.getClass().getSimpleName());
        }
        return decode(raw, enc, "file " + file);
    }

    static byte[] fromEnv(String variable, Encoding enc) {
        String v = System.getenv(variable);
        if (v == null || v.isEmpty()) {
            throw new UsageException("environment variable " + variable + " is not set");
        }
        if (enc == Encoding.BINARY) {
            throw new UsageException("--encoding binary is for files and stdin only");
        }
        return decode(v.getBytes(StandardCharsets.UTF_8), enc, "environment variable " + variable);
    }

    static byte[] fromStream(InputStream in, Encoding enc) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try {
            for (int n; (n = in.read(chunk)) > 0; ) {
                buf.write(chunk, 0, n);
            }
        } catch (IOException e) {
            throw new UsageException(
                    "cannot read the PSK from stdin: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(chunk, (byte) 0);
        }
        return decode(buf.toByteArray(), enc, "stdin");
    }

    static byte[] fromConsole(java.io.Console console, String name, Encoding enc) {
        if (enc == Encoding.BINARY) {
            throw new UsageException("--encoding binary cannot be typed; use --from-file");
        }
        char[] first = console.readPassword("Pre-shared key '%s': ", name);
        char[] again = console.readPassword("Again: ");
        try {
            if (first == null || again == null) {
                throw new UsageException("no pre-shared key entered");
            }
            if (!Arrays.equals(first, again)) {
                throw new UsageException("the two entries differ; nothing imported");
            }
            ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(first));
            byte[] raw = new byte[bb.remaining()];
            bb.get(raw);
            bb.clear();
            while (bb.hasRemaining()) {
                bb.put((byte) 0);
            }
            return decode(raw, enc, "the terminal");
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (again != null) {
                Arrays.fill(again, '\0');
            }
        }
    }

    /** Decodes {@code raw} (wiped afterwards). */
    static byte[] decode(byte[] raw, Encoding enc, String from) {
        try {
            byte[] out = switch (enc) {
                case BINARY -> raw.clone();
                case TEXT -> Arrays.copyOf(raw, withoutNewline(raw));
                case HEX -> {
                    byte[] c = compact(raw);
                    int start = c.length >= 2 && c[0] == '0' && (c[1] == 'x' || c[1] == 'X') ? 2 : 0;
                    char[] chars = new char[c.length - start];
                    for (int i = 0; i < chars.length; i++) {
                        chars[i] = (char) (c[start + i] & 0xff);
                    }
                    try {
                        yield HexFormat.of().parseHex(CharBuffer.wrap(chars));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("the PSK from " + from + " is not valid hexadecimal");
                    } finally {
                        Arrays.fill(c, (byte) 0);
                        Arrays.fill(chars, '\0');
                    }
                }
                case BASE64 -> {
                    byte[] c = compact(raw);
                    try {
                        yield Base64.getDecoder().decode(c);
                    } catch (IllegalArgumentException e) {
                        throw new UsageException("the PSK from " + from + " is not valid base64");
                    } finally {
                        Arrays.fill(c, (byte) 0);
                    }
                }
            };
            if (out.length == 0) {
                throw new UsageException("the PSK from " + from + " is empty");
            }
            return out;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static int withoutNewline(byte[] raw) {
        int end = raw.length;
        if (end > 0 && raw[end - 1] == '\n') {
            end--;
            if (end > 0 && raw[end - 1] == '\r') {
                end--;
            }
        }
        return end;
    }

    /** The octets without ASCII whitespace. */
    private static byte[] compact(byte[] raw) {
        byte[] out = new byte[raw.length];
        int n = 0;
        for (byte x : raw) {
            if (x != ' ' && x != '\t' && x != '\n' && x != '\r') {
                out[n++] = x;
            }
        }
        byte[] exact = Arrays.copyOf(out, n);
        Arrays.fill(out, (byte) 0);
        return exact;
    }
}
