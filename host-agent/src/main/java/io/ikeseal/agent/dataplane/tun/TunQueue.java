package io.ikeseal.agent.dataplane.tun;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One queue of a TUN device: its non-blocking file descriptor and an eventfd that {@link #close()} signals. A read
 * polls both, so it sleeps in the kernel until a packet or the close arrives and never spins. One reader and any
 * number of writers may use a queue at once; each thread has its own errno and pollfd scratch memory (Libc.Scratch),
 * so no call allocates.
 */
final class TunQueue implements Tun {
    /** How long a write waits for room in the device's queue (POLLOUT) before it gives up and drops the packet. */
    private static final int WRITE_WAIT_MILLIS = 100;
    /** How long close() waits for readers and writers still inside a call before it closes the descriptors. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final int fd;
    private final int wakeFd;
    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean closed;

    TunQueue(String name, int fd, int wakeFd) {
        this.name = name;
        this.fd = fd;
        this.wakeFd = wakeFd;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        return read(into, true);
    }

    @Override
    public int readWaiting(ByteBuffer into) throws IOException {
        return read(into, false);
    }

    /** One read(2); on EAGAIN polls when {@code wait}, else answers 0. */
    private int read(ByteBuffer into, boolean wait) throws IOException {
        if (!enter()) {
            return -1;
        }
        try {
            if (into.isReadOnly()) {
                throw new IllegalArgumentException("TUN read into a read-only buffer");
            }
            Libc.Scratch s = Libc.Scratch.get();
            MemorySegment target = segment(into);
            int position = into.position();
            while (!closed) {
                long n = Libc.read(s, fd, target, target.byteSize());
                if (n >= 0) {
                    into.limit(position + (int) n);
                    return (int) n;
                }
                int errno = s.errno();
                if (errno == Libc.EAGAIN) {
                    if (!wait) {
                        return 0;
                    }
                    await(s, Libc.POLLIN, -1);
                } else if (errno != Libc.EINTR) {
                    throw Libc.failure("read from TUN " + name, errno);
                }
            }
            return -1;
        } finally {
            inside.decrementAndGet();
        }
    }

    @Override
    public void write(ByteBuffer packet) throws IOException {
        if (!enter()) {
            throw new IOException("TUN " + name + " is closed");
        }
        try {
            Libc.Scratch s = Libc.Scratch.get();
            MemorySegment source = segment(packet);
            // Bounded: EINTR retries and waits for POLLOUT; the kernel takes a packet whole or not at all.
            for (int attempt = 0; attempt < 8 && !closed; attempt++) {
                long n = Libc.write(s, fd, source, source.byteSize());
                if (n >= 0) {
                    packet.position(packet.limit());
                    return;
                }
                int errno = s.errno();
                if (errno == Libc.EAGAIN) {
                    if (!await(s, Libc.POLLOUT, WRITE_WAIT_MILLIS)) {
                        break;
                    }
                } else if (errno != Libc.EINTR) {
                    throw Libc.failure("write to TUN " + name, errno);
                }
            }
            throw new IOException("TUN " + name + (closed ? " is closed" : " stays full; packet not written"));
        } finally {
            inside.decrementAndGet();
        }
    }

    /**
     * Signals the eventfd (which then stays readable, waking every poll on it), waits a bounded time for calls still
     * inside, then closes both descriptors; the kernel removes a non-persistent device with its last queue.
     */
    @Override
    public synchronized void close() { // synchronized: two closers must not close the descriptors twice
        if (closed) {
            return;
        }
        closed = true;
        Libc.Scratch s = Libc.Scratch.get();
        s.counter.set(ValueLayout.JAVA_LONG, 0, 1L);
        Libc.write(s, wakeFd, s.counter, 8);
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        while (inside.get() > 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        Libc.close(s, fd);
        Libc.close(s, wakeFd);
    }

    private boolean enter() {
        inside.incrementAndGet();
        if (closed) {
            inside.decrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Polls the TUN fd for {@code events} and the wake eventfd; false only when the wait timed out. The caller then
     * retries its call or, if the queue was closed meanwhile, leaves.
     */
    private boolean await(Libc.Scratch s, short events, int timeoutMillis) throws IOException {
        Libc.pollfd(s, 0, fd, events);
        Libc.pollfd(s, 1, wakeFd, Libc.POLLIN);
        int n = Libc.poll(s, 2, timeoutMillis);
        if (n < 0) {
            int errno = s.errno();
            if (errno != Libc.EINTR) {
                throw Libc.failure("poll on TUN " + name, errno);
            }
        }
        return n != 0;
    }

    private static MemorySegment segment(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("TUN I/O works on direct buffers only");
        }
        return MemorySegment.ofBuffer(buffer);
    }
}
