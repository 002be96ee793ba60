package io.ikeseal.agent.dataplane.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls a TUN queue needs, as FFM downcalls that capture errno (open(2), ioctl(2), read(2), write(2),
 * poll(2), eventfd(2), close(2)). read and write only run on non-blocking descriptors, so they are critical downcalls
 * (no thread-state transition); poll blocks and therefore is an ordinary one, letting the GC run meanwhile. Measured
 * through TunEchoMain's bench on this shared 2-core machine, critical and ordinary read/write were within the noise
 * (both 0.08-0.22 M packets/s): the kernel's work dominates, and neither allocates.
 */
final class Libc {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno")).withInvokeExactBehavior();
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    /** struct pollfd { int fd; short events; short revents; }: 8 octets. */
    static final long POLLFD_SIZE = 8;

    private static final MethodHandle OPEN =
            downcall("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    // ioctl(int, unsigned long, ...): the third argument is variadic (Linux x86-64 and aarch64 ABIs care).
    private static final MethodHandle IOCTL = downcall(
            "ioctl",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = downcall(
            "read",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.critical(false));
    private static final MethodHandle WRITE = downcall(
            "write",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.critical(false));
    private static final MethodHandle POLL = downcall(
            "poll",
            FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle EVENTFD = downcall(
            "eventfd", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE =
            downcall("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR =
            plainDowncall("strerror", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Libc() {}

    /**
     * Per-thread scratch memory, reused by every call of that thread: the errno capture state, an 8-octet value for
     * eventfd writes, then two pollfds.
     */
    static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        private static final long CAPTURE_SIZE = (CAPTURE.byteSize() + 7) & ~7L;
        final MemorySegment capture;
        final MemorySegment counter;
        final MemorySegment pollfds;

        private Scratch() {
            MemorySegment all = Arena.ofAuto().allocate(CAPTURE_SIZE + 8 + 2 * POLLFD_SIZE, 8);
            capture = all.asSlice(0, CAPTURE.byteSize());
            counter = all.asSlice(CAPTURE_SIZE, 8);
            pollfds = all.asSlice(CAPTURE_SIZE + 8, 2 * POLLFD_SIZE);
        }

        static Scratch get() {
            return PER_THREAD.get();
        }

        int errno() {
            return (int) ERRNO.get(capture, 0L);
        }
    }

    static int open(Scratch s, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(s.capture, path, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int ioctl(Scratch s, int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(s.capture, fd, request, argument);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static long read(Scratch s, int fd, MemorySegment into, long count) {
        try {
            return (long) READ.invokeExact(s.capture, fd, into, count);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static long write(Scratch s, int fd, MemorySegment from, long count) {
        try {
            return (long) WRITE.invokeExact(s.capture, fd, from, count);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /** poll(2) on the first {@code count} pollfds of the scratch memory. */
    static int poll(Scratch s, int count, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(s.capture, s.pollfds, (long) count, timeoutMillis);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static void pollfd(Scratch s, int index, int fd, short events) {
        long base = index * POLLFD_SIZE;
        s.pollfds.set(ValueLayout.JAVA_INT, base, fd);
        s.pollfds.set(ValueLayout.JAVA_SHORT, base + 4, events);
        s.pollfds.set(ValueLayout.JAVA_SHORT, base + 6, (short) 0);
    }

    static short revents(Scratch s, int index) {
        return s.pollfds.get(ValueLayout.JAVA_SHORT, index * POLLFD_SIZE + 6);
    }

    static int eventfd(Scratch s, int flags) {
        try {
            return (int) EVENTFD.invokeExact(s.capture, 0, flags);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    static int close(Scratch s, int fd) {
        try {
            return (int) CLOSE.invokeExact(s.capture, fd);
        } catch (Throwable t) {
            throw fatal(t);
        }
    }

    /** "No such file or directory (errno 2)": strerror's text and the number, for exception messages. */
    @SuppressWarnings("restricted") // strerror returns a NUL-terminated static string of unknown length
    static String describe(int errno) {
        String text;
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            text = s.equals(MemorySegment.NULL)
                    ? "unknown error"
                    : s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            text = "unknown error";
        }
        return text + " (errno " + errno + ")";
    }

    static IOException failure(String what, int errno) {
        String hint = errno == EPERM ? "; TUN devices need CAP_NET_ADMIN" : "";
        return new IOException(what + ": " + describe(errno) + hint);
    }

    private static IllegalStateException fatal(Throwable t) {
        // Only a mismatch between a handle's type and its call site ends up here: a bug, not bad input.
        return new IllegalStateException("libc downcall failed", t);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = ERRNO_OPTION;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return plainDowncall(name, descriptor, options);
    }

    // The JVMs run with --enable-native-access=ALL-UNNAMED (README); these are libc calls by nature.
    @SuppressWarnings("restricted")
    private static MethodHandle plainDowncall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol =
                LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }
}
