package io.ikeseal.testhsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds known secrets in bytes (a PKCS#11 trace's buffers, a heap dump). A secret counts as found when any
 * {@value #WINDOW}-octet run of it occurs, so a secret split over two buffers, trimmed of leading zero octets or
 * padded still shows; by chance a 128-bit run of a random secret never occurs. Secrets are named so a finding says
 * which one it was, never its value.
 */
public final class SecretSearch {
    /** Octets that must match in a row. */
    public static final int WINDOW = 16;

    private static final int FILTER_BITS = 22;

    private final List<String> names = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    /** First 8 octets of every window -> (secret index, offset) pairs. */
    private final Map<Long, List<int[]>> windows = new HashMap<>();

    private final long[] filter = new long[1 << (FILTER_BITS - 6)];

    /** Adds a secret of at least {@value #WINDOW} octets; the name appears in findings. */
    public SecretSearch add(String name, byte[] value) {
        if (value.length < WINDOW) {
            throw new IllegalArgumentException("secret " + name + " has " + value.length + " octets; at least " + WINDOW
                    + " are needed to search for it");
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("secret " + name + " added twice");
        }
        int idx = names.size();
        names.add(name);
        values.add(value.clone());
        ByteBuffer b = ByteBuffer.wrap(value);
        for (int off = 0; off + WINDOW <= value.length; off++) {
            long k = b.getLong(off);
            windows.computeIfAbsent(k, x -> new ArrayList<>()).add(new int[] {idx, off});
            int h = bucket(k);
            filter[h >>> 6] |= 1L << h;
        }
        return this;
    }

    public List<String> names() {
        return List.copyOf(names);
    }

    /** Each secret found in {@code haystack} with the position of its first window there, in the order added. */
    public Map<String, Long> find(ByteBuffer haystack) {
        Map<Integer, Long> first = new HashMap<>();
        int limit = haystack.limit() - WINDOW;
        for (int i = haystack.position(); i <= limit; i++) {
            long k = haystack.getLong(i);
            int h = bucket(k);
            if ((filter[h >>> 6] & (1L << h)) == 0) {
                continue;
            }
            List<int[]> candidates = windows.get(k);
            if (candidates == null) {
                continue;
            }
            for (int[] c : candidates) {
                if (!first.containsKey(c[0]) && tailMatches(haystack, i, values.get(c[0]), c[1])) {
                    first.put(c[0], (long) i);
                }
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (int s = 0; s < names.size(); s++) {
            if (first.containsKey(s)) {
                out.put(names.get(s), first.get(s));
            }
        }
        return out;
    }

    public Map<String, Long> find(byte[] haystack) {
        return find(ByteBuffer.wrap(haystack));
    }

    /** Searches a file (e.g. a heap dump) without reading it onto the heap; files over 2 GiB are refused. */
    public Map<String, Long> findInFile(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + " is over 2 GiB");
            }
            return find(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + file, e);
        }
    }

    private static boolean tailMatches(ByteBuffer h, int at, byte[] secret, int off) {
        for (int j = 8; j < WINDOW; j++) {
            if (h.get(at + j) != secret[off + j]) {
                return false;
            }
        }
        return true;
    }

    private static int bucket(long k) {
        long x = k * 0x9E3779B97F4A7C15L;
        return (int) (x >>> (64 - FILTER_BITS));
    }

    @Override
    public String toString() {
        return "SecretSearch" + Arrays.toString(names.toArray());
    }
}
