package io.ikeseal.hsm.token;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** Reads a PIN from a file (a PIN file or a systemd credential); messages name the file, never its content. */
final class PinFiles {
    /** A PIN is a few dozen octets at most; anything longer is not a PIN file. */
    static final int MAX_OCTETS = 1024;

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE);

    private PinFiles() {}

    /**
     * The file's content as UTF-8, without trailing CR/LF. {@code ownerOnly}: refused if group or others may read it
     * (they would know the PIN) or write it (they could make every login fail until the card locks).
     */
    static char[] read(Path file, String what, boolean ownerOnly) {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, PosixFileAttributes.class); // follows a symbolic link to its target
        } catch (NoSuchFileException e) {
            throw new TokenException("cannot read " + what + ": no such file");
        } catch (IOException | UnsupportedOperationException e) {
            throw new TokenException("cannot read " + what + ": " + e.getClass().getSimpleName());
        }
        if (!attrs.isRegularFile()) {
            throw new TokenException(what + " is not a regular file (" + kind(attrs) + "); refused");
        }
        if (ownerOnly) {
            Set<PosixFilePermission> perms = attrs.permissions();
            Set<PosixFilePermission> extra = EnumSet.copyOf(GROUP_OR_OTHERS);
            extra.retainAll(perms);
            if (!extra.isEmpty()) {
                throw new TokenException(what + " has mode " + PosixFilePermissions.toString(perms)
                        + ": group or others may read or write it; refused (chmod 600 " + file + ")");
            }
        }
        if (attrs.size() > MAX_OCTETS) {
            throw new TokenException(what + " holds " + attrs.size() + " octets, more than a PIN; refused");
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TokenException("cannot read " + what + ": " + e.getClass().getSimpleName());
        }
        try {
            int end = raw.length;
            while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
                end--;
            }
            CharBuffer chars;
            try {
                chars = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw, 0, end));
            } catch (CharacterCodingException e) {
                throw new TokenException(what + " is not UTF-8 text; refused");
            }
            char[] pin = new char[chars.remaining()];
            chars.get(pin);
            Arrays.fill(chars.array(), '\0');
            return pin;
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static String kind(PosixFileAttributes a) {
        return a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link" : "a device, FIFO or socket";
    }
}
