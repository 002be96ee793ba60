package io.ikeseal.hsm.token;

import java.io.Console;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a token's user PIN comes from (docs/operations-pin.md). The PIN itself is never logged or put in a message.
 * Every login — at start, again when a token recovers from a fault, and each context-specific login of a
 * CKA_ALWAYS_AUTHENTICATE key — reads it here through {@link LoginRules}, so every source's checks apply to all of
 * them.
 */
public sealed interface PinSource {

    /** Reads the PIN; the caller wipes the returned array after use. */
    char[] read();

    /** A human-readable description that never contains the PIN. */
    String describe();

    /** Drops whatever the source holds in memory (a prompted PIN); called when the token closes. */
    default void forget() {}

    static PinSource file(Path file) {
        return new FromFile(file);
    }

    static PinSource env(String variable) {
        return new FromEnv(variable);
    }

    /** A systemd credential: the file {@code $CREDENTIALS_DIRECTORY/name} (LoadCredential=, SetCredential=). */
    static PinSource credential(String name) {
        return new FromCredential(name);
    }

    /** Asks on the terminal once, the first time the PIN is needed (the start-up login). */
    static PinSource prompt(String tokenName) {
        return new Prompt(tokenName);
    }

    /** No login (e.g. NSS's crypto slot), or a PIN pad (the token says so; no PIN crosses the host). */
    static PinSource none() {
        return new None();
    }

    /** A PIN file: a regular file the owner alone may read or write (checked at every read, not only at start). */
    record FromFile(Path file) implements PinSource {
        @Override
        public char[] read() {
            return PinFiles.read(file, "PIN file " + file, true);
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

    /**
     * A systemd credential. systemd puts it on a non-swappable file system readable only by the service (by mode or
     * ACL), so its mode is not checked as a PIN file's is; it must still be a regular file.
     */
    record FromCredential(String name) implements PinSource {
        /** What systemd accepts as a credential name: no slash, not "." or "..". */
        static final Pattern NAME = Pattern.compile("(?!\\.\\.?$)[^/\\x00]{1,255}");

        public FromCredential {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a credential name: '" + name + "'");
            }
        }

        @Override
        public char[] read() {
            String dir = System.getenv("CREDENTIALS_DIRECTORY");
            if (dir == null || dir.isEmpty()) {
                throw new TokenException("PIN credential '" + name + "': $CREDENTIALS_DIRECTORY is not set; run under "
                        + "systemd with LoadCredential=" + name + ":/path/to/pin (or SetCredentialEncrypted=)");
            }
            Path file = Path.of(dir).resolve(name);
            return PinFiles.read(
                    file,
                    "PIN credential '" + name + "' (" + file + "; is LoadCredential=" + name + ":... in the unit?)",
                    false);
        }

        @Override
        public String describe() {
            return "systemd credential " + name;
        }
    }

    /**
     * Asked once on the terminal, without echo, at the start-up login. The PIN is then kept in this object (a char
     * array, never a String) for the token's life, because a re-login after a fault and the context-specific login
     * of a CKA_ALWAYS_AUTHENTICATE key need it again and nobody may be at the terminal then; {@link #forget} wipes
     * it when the token closes (a token opened again asks again).
     */
    final class Prompt implements PinSource {
        private final String tokenName;
        private char[] held;

        Prompt(String tokenName) {
            this.tokenName = tokenName;
        }

        @Override
        public synchronized char[] read() {
            if (held == null) {
                held = ask();
            }
            return held.clone();
        }

        /** The process's terminal, if it has one. */
        public static Optional<Console> terminal() {
            // Since JDK 22 System.console() may return a console that is no terminal (stdin or stdout redirected)
            return Optional.ofNullable(System.console()).filter(Console::isTerminal);
        }

        private char[] ask() {
            Console console = terminal().orElse(null);
            if (console == null) {
                throw new TokenException("token '" + tokenName + "': pin-prompt needs a terminal, and this process "
                        + "has none (stdin or stdout is not a TTY, e.g. under systemd); use pin-credential, pin-file "
                        + "or pin-env there");
            }
            char[] pin = console.readPassword("PIN for token '%s': ", tokenName);
            if (pin == null || pin.length == 0) {
                throw new TokenException("token '" + tokenName + "': no PIN entered at the prompt");
            }
            return pin;
        }

        @Override
        public synchronized void forget() {
            if (held != null) {
                Arrays.fill(held, '\0');
                held = null;
            }
        }

        @Override
        public String describe() {
            return "prompt";
        }

        @Override
        public String toString() {
            return "PinSource.Prompt[" + tokenName + "]";
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
