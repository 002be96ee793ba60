package io.ikeseal.testhsm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The p11trace test module (src/main/c/p11trace.c, shipped as a class-path resource): a pass-through PKCS#11
 * module that logs every call's byte strings, including mechanism parameters (HKDF salt and info, concatenated
 * data, ECDH public data), attribute templates in and values out, and data in and out of every operation; PINs are
 * redacted. See {@link P11TraceLog} for reading the log. It can also make the real token report flags it never would
 * ({@link #FLAGS_FILE_VARIABLE}, {@link #PINPAD_PIN_VARIABLE}).
 *
 * <p>It is compiled with gcc against NSS's PKCS#11 headers into {@code <cacheBase>/p11trace-<hash>/} the first time
 * it is asked for; the hash covers the source and the compiler command, so an edited source is rebuilt. gcc or the
 * headers missing fail loudly with the Debian package to install (./check installs them as root).
 */
public final class P11Trace {
    /** The real module the trace loads and forwards to. */
    public static final String MODULE_VARIABLE = "P11TRACE_MODULE";
    /** The file the trace appends its lines to. */
    public static final String OUTPUT_VARIABLE = "P11TRACE_OUTPUT";
    /**
     * Optional: a file holding a hexadecimal number the trace ORs into CK_TOKEN_INFO.flags at every C_GetTokenInfo
     * (read again each time, so a test can change what the token reports while it runs).
     */
    public static final String FLAGS_FILE_VARIABLE = "P11TRACE_FLAGS_FILE";
    /**
     * Optional: emulates a PIN pad. The token reports CKF_PROTECTED_AUTHENTICATION_PATH and a C_Login with a NULL PIN
     * reaches the real module with this PIN, as a pad would supply it. Empty: no pad. The variable is the process's,
     * read when a copy of the trace loads: set it (empty if need be) for every copy loaded after one that had it.
     */
    public static final String PINPAD_PIN_VARIABLE = "P11TRACE_PINPAD_PIN";

    private static final String SOURCE_RESOURCE = "c/p11trace.c";
    private static final Object BUILD = new Object();

    private P11Trace() {}

    /**
     * The compiled module in the default cache: under -Dikeseal.testhsm.dir if set, else the running module's
     * target/test-hsm, else java.io.tmpdir; so fixtures living in temporary directories share one build.
     */
    public static Path library() {
        String configured = System.getProperty("ikeseal.testhsm.dir");
        if (configured != null && !configured.isBlank()) {
            return library(Path.of(configured));
        }
        Path target = Path.of("target").toAbsolutePath();
        return library(
                Files.isDirectory(target)
                        ? target.resolve("test-hsm")
                        : Path.of(System.getProperty("java.io.tmpdir"), "ikeseal-test-hsm"));
    }

    /** The compiled module under {@code cacheBase}, built now if missing or stale. */
    public static Path library(Path cacheBase) {
        byte[] source = source();
        Path gcc = DebianTools.gcc();
        DebianTools.nssPkcs11Headers();
        List<String> flags = List.of(
                "-shared",
                "-fPIC",
                "-O2",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-fvisibility=hidden",
                "-I" + DebianTools.NSS_INCLUDE,
                "-I" + DebianTools.NSPR_INCLUDE);
        String key = HexFormat.of()
                .formatHex(sha256(source, String.join(" ", flags).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .substring(0, 16);
        Path dir = FixtureFiles.mkdirs(cacheBase.toAbsolutePath().resolve("p11trace-" + key));
        Path lib = dir.resolve("p11trace.so");
        synchronized (BUILD) {
            if (Files.isRegularFile(lib)) {
                return lib;
            }
            // Written and built under names of our own, then renamed: another JVM building the same key at the
            // same time never sees half a file.
            String unique = TokenFiles.uniqueSuffix();
            Path src = FixtureFiles.write(
                    dir.resolve("p11trace-" + unique + ".c"),
                    new String(source, java.nio.charset.StandardCharsets.UTF_8));
            Path tmp = dir.resolve("p11trace-" + unique + ".so.tmp");
            List<String> cmd = new ArrayList<>();
            cmd.add(gcc.toString());
            cmd.addAll(flags);
            cmd.addAll(List.of("-o", tmp.toString(), src.toString(), "-ldl", "-lpthread"));
            Subprocess.run(cmd, Map.of());
            try {
                Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot install " + lib, e);
            }
            return lib;
        }
    }

    /** What the trace reads at C_GetInterface/C_GetFunctionList: the real module and the log file. */
    public static Map<String, String> environment(Path realModule, Path output) {
        return Map.of(
                MODULE_VARIABLE,
                realModule.toAbsolutePath().toString(),
                OUTPUT_VARIABLE,
                output.toAbsolutePath().toString());
    }

    static byte[] source() {
        try (InputStream in = P11Trace.class.getResourceAsStream(SOURCE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("p11trace source " + SOURCE_RESOURCE + " is not on the class path "
                        + "(test-hsm ships src/main/c as a resource)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the p11trace source", e);
        }
    }

    private static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
                md.update((byte) 0);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
