package io.ikeseal.testhsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link P11Trace} log, or the part of it written after a mark ({@link #mark(Path)}): the calls and every byte
 * string they passed, in either direction, as {@link Buffer}s. Lines look like
 * {@code 17 C_DeriveKey hSession=0x1 mech=0x402a hkdf.extract=1 ... hkdf.salt=00ab.. template=[0x0:0400..] rv=0x0}.
 */
public final class P11TraceLog {
    private static final Pattern HEX = Pattern.compile("(?:[0-9a-f]{2})+");
    /** One attribute of a template: type and hex value (nested templates of array attributes are found too). */
    private static final Pattern ATTRIBUTE = Pattern.compile("(0x[0-9a-f]+):((?:[0-9a-f]{2})+)(?=[,\\]])");

    /** One call: sequence number, function and its whole line. */
    public record Call(long seq, String function, String line) {
        /** The raw value of field {@code name}, or null. */
        public String field(String name) {
            for (String part : line.split(" ", -1)) {
                if (part.startsWith(name + "=")) {
                    return part.substring(name.length() + 1);
                }
            }
            return null;
        }
    }

    /** Bytes that crossed the boundary: in which call, in which field (template attributes as field.type). */
    public record Buffer(long seq, String function, String field, byte[] bytes) {
        public String where() {
            return "#" + seq + " " + function + " " + field;
        }
    }

    private final List<Call> calls;
    private final List<Buffer> buffers;

    private P11TraceLog(List<Call> calls, List<Buffer> buffers) {
        this.calls = calls;
        this.buffers = buffers;
    }

    /** The log's current length: pass it to {@link #read(Path, long)} to read only what is logged after now. */
    public static long mark(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stat " + log, e);
        }
    }

    public static P11TraceLog read(Path log) {
        return read(log, 0);
    }

    /** Lines written from byte offset {@code from} on (a {@link #mark}). */
    public static P11TraceLog read(Path log, long from) {
        String text;
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            long n = ch.size() - from;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(Math.toIntExact(n));
            while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
                // read fully
            }
            text = new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
        List<Call> calls = new ArrayList<>();
        List<Buffer> buffers = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length < 3 || !parts[parts.length - 1].startsWith("rv=")) {
                throw new IllegalStateException("not a p11trace line: " + line);
            }
            Call c = new Call(Long.parseLong(parts[0]), parts[1], line);
            calls.add(c);
            for (int i = 2; i < parts.length - 1; i++) {
                int eq = parts[i].indexOf('=');
                String field = parts[i].substring(0, eq);
                String value = parts[i].substring(eq + 1);
                if (value.startsWith("[")) {
                    Matcher m = ATTRIBUTE.matcher(value);
                    while (m.find()) {
                        buffers.add(
                                new Buffer(c.seq(), c.function(), field + "." + m.group(1), hex.parseHex(m.group(2))));
                    }
                } else if (HEX.matcher(value).matches()) {
                    buffers.add(new Buffer(c.seq(), c.function(), field, hex.parseHex(value)));
                }
            }
        }
        return new P11TraceLog(List.copyOf(calls), List.copyOf(buffers));
    }

    public List<Call> calls() {
        return calls;
    }

    public long count(String function) {
        return calls.stream().filter(c -> c.function().equals(function)).count();
    }

    public List<Buffer> buffers() {
        return buffers;
    }

    /** For every secret found in some buffer, where it was first seen ("#17 C_DeriveKey hkdf.salt"). */
    public Map<String, String> find(SecretSearch secrets) {
        Map<String, String> found = new java.util.LinkedHashMap<>();
        for (Buffer b : buffers) {
            if (b.bytes().length < SecretSearch.WINDOW) {
                continue;
            }
            for (String name : secrets.find(b.bytes()).keySet()) {
                found.putIfAbsent(name, b.where());
            }
        }
        return found;
    }
}
