package io.ikeseal.agent.wireshark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/**
 * One Wireshark user table file, owner-only (0600): created empty but for a comment at start, rows appended as SAs
 * are made, removed by their prefix when the SA ends (the file is written anew beside itself and moved over it), and
 * emptied at stop. Used from the writer thread only.
 */
final class TableFile {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTR =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    private static final byte[] HEADER = ("# written by ikeseal (debug.wireshark-keys): keys of its live SAs; "
                    + "whoever reads this file decrypts them\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final Path path;

    private TableFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Creates (or empties) {@code dir/name} as a regular owner-only file; a symbolic link there is refused. */
    static TableFile create(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        if (Files.isSymbolicLink(p) || (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(p))) {
            throw new IOException(p + " exists and is not a regular file");
        }
        TableFile f = new TableFile(p);
        f.replace(HEADER);
        return f;
    }

    void append(byte[] line) throws IOException {
        try (FileChannel ch = FileChannel.open(
                path, Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS))) {
            write(ch, line);
        }
    }

    /** Drops every line that starts with {@code prefix}; whether one was there. */
    boolean remove(byte[] prefix) throws IOException {
        byte[] all = Files.readAllBytes(path);
        byte[] kept = new byte[all.length];
        int n = 0;
        boolean found = false;
        try {
            for (int start = 0; start < all.length; ) {
                int end = start;
                while (end < all.length && all[end] != '\n') {
                    end++;
                }
                end = Math.min(end + 1, all.length);
                if (startsWith(all, start, end, prefix)) {
                    found = true;
                } else {
                    System.arraycopy(all, start, kept, n, end - start);
                    n += end - start;
                }
                start = end;
            }
            if (found) {
                replace(Arrays.copyOf(kept, n));
            }
            return found;
        } finally {
            Arrays.fill(all, (byte) 0);
            Arrays.fill(kept, (byte) 0);
        }
    }

    /** Back to the comment alone: no SA is live. */
    void clear() throws IOException {
        replace(HEADER);
    }

    private void replace(byte[] content) throws IOException {
        Path tmp = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".new", OWNER_ONLY_ATTR);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                write(ch, content);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
            if (content != HEADER) {
                Arrays.fill(content, (byte) 0);
            }
        }
    }

    private static void write(FileChannel ch, byte[] octets) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(octets);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static boolean startsWith(byte[] all, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (all[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "TableFile[" + path + "]";
    }
}
