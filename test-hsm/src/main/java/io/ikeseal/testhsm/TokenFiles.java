package io.ikeseal.testhsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Token directories, PIN files and per-token copies of PKCS#11 modules. */
final class TokenFiles {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] PIN_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    private TokenFiles() {}

    /** Labels and names end up in file names and SunPKCS11 configs: keep them plain. */
    static String checkName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must match " + NAME + ": " + name);
        }
        return name;
    }

    static char[] randomPin() {
        char[] pin = new char[20];
        for (int i = 0; i < pin.length; i++) {
            pin[i] = PIN_CHARS[RANDOM.nextInt(PIN_CHARS.length)];
        }
        return pin;
    }

    static String uniqueSuffix() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
    /** Writes a secret readable only by the owner (created 600, never briefly world-readable). */
    static Path writeSecret(Path file, char[] secret) {
        return FixtureFiles.writeSecret(file, new String(secret));
    }

    /**
     * Copies a PKCS#11 module into dir: a distinct path makes dlopen load a separate instance
     * (its own C_Initialize and globals), and SunPKCS11 caches one module per path.
     */
    static Path copyModule(Path module, Path dir, String stem) {
        Path copy = dir.resolve(stem + "-" + uniqueSuffix() + ".so");
        try {
            return Files.copy(module, copy, StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + module + " to " + copy, e);
        }
    }
}
