package io.ikeseal.hsm.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Where a token's user PIN comes from. The PIN itself is never logged or put in a message. */
public sealed interface PinSource {

    /** Reads the PIN; the caller wipes the returned array after use. */
    char[] read();

    /** A human-readable description that never contains the PIN. */
    String describe();

    static PinSource file(Path file) {
        return new FromFile(file);
    }

    static PinSource env(String variable) {
        return new FromEnv(variable);
    }

    /** No login (e.g. NSS's crypto slot). */
    static PinSource none() {
        return new None();
    }

    record FromFile(Path file) implements PinSource {
        @Override
        public char[] read() {
            try {
                byte[] raw = Files.readAllBytes(file);
                int end = raw.length;
                while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
                    end--;
                }
                java.nio.CharBuffer chars = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(raw, 0, end));
                char[] pin = new char[chars.remaining()];
                chars.get(pin);
                Arrays.fill(raw, (byte) 0);
                Arrays.fill(chars.array(), '\0');
                return pin;
            } catch (IOException e) {
                throw new TokenException(
                        "cannot read PIN file " + file + ": " + e.getClass().getSimpleName());
            }
        }

        @Override
        public String describe() {
            return "file " + file;
        }
    }

    record FromEnv(String variable) implements PinSource {
        @Override
        public char[] read() {
            String v = System.getenv(variable);
            if (v == null || v.isEmpty()) {
                throw new TokenException("PIN environment variable " + variable + " is not set");
            }
            return v.toCharArray();
        }

        @Override
        public String describe() {
            return "environment variable " + variable;
        }
    }

    record None() implements PinSource {
        @Override
        public char[] read() {
            return null;
        }

        @Override
        public String describe() {
            return "no login";
        }
    }
}
