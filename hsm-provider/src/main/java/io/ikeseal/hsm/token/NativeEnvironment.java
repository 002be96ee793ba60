package io.ikeseal.hsm.token;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Sets process environment variables with libc setenv. Some PKCS#11 modules read their configuration
 * from the environment at C_Initialize (SoftHSM: SOFTHSM2_CONF) and Java has no setenv of its own.
 * Only call this before the module is first initialized; System.getenv() does not see the change.
 */
final class NativeEnvironment {
    // setenv is a restricted (native) call by nature; the JVMs run with --enable-native-access=ALL-UNNAMED.
    @SuppressWarnings("restricted")
    private static final MethodHandle SETENV = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("setenv").orElseThrow(),
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private NativeEnvironment() {}

    static synchronized void set(String name, String value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(name);
            MemorySegment v = arena.allocateFrom(value);
            int rc = (int) SETENV.invokeExact(n, v, 1);
            if (rc != 0) {
                throw new TokenException("setenv(" + name + ") failed");
            }
        } catch (TokenException e) {
            throw e;
        } catch (Throwable t) {
            throw new TokenException("setenv(" + name + ") failed: " + t, null, t);
        }
    }
}
