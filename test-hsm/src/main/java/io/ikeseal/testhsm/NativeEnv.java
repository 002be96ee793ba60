package io.ikeseal.testhsm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Sets variables in the process's real (libc) environment.
 *
 * <p>PKCS#11 modules such as SoftHSM ({@code SOFTHSM2_CONF}) and pkcs11-spy ({@code PKCS11SPY},
 * {@code PKCS11SPY_OUTPUT}) read their settings with {@code getenv} inside {@code C_Initialize};
 * {@link System#getenv()} is a read-only snapshot, so we call libc through the FFM API.
 *
 * <p>Calling {@code setenv} while another thread runs native {@code getenv} is unsafe in glibc;
 * callers serialize it with module initialization (see {@code Pkcs11Modules}). Without
 * {@code --enable-native-access=ALL-UNNAMED} JDK 25 prints a one-time warning but works.
 */
@SuppressWarnings("restricted") // deliberate: this class exists to call libc
public final class NativeEnv {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SETENV =
            LINKER.downcallHandle(symbol("setenv"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETENV =
            LINKER.downcallHandle(symbol("getenv"), FunctionDescriptor.of(ADDRESS, ADDRESS));

    private NativeEnv() {}

    /** {@code setenv(name, value, 1)}; glibc copies both strings, so the arena may close. */
    public static void set(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) SETENV.invokeExact(arena.allocateFrom(name), arena.allocateFrom(value), 1);
            if (rc != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed with " + rc);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setenv(" + name + ") failed", t);
        }
    }

    /** The live libc value (unlike {@link System#getenv(String)}), or null when unset. */
    public static String get(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = (MemorySegment) GETENV.invokeExact(arena.allocateFrom(name));
            return p.equals(MemorySegment.NULL)
                    ? null
                    : p.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("getenv(" + name + ") failed", t);
        }
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }
}
