package io.ikeseal.testhsm.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A client of charon's VICI control socket, without swanctl: requests whose responses complete futures, and events
 * delivered to listeners. Transport: each packet is a four-octet big-endian length and that many octets; the first
 * is the packet type, named types then carry a one-octet length and a name, then a {@link ViciMessage}. charon
 * answers requests in the order sent, so responses complete the oldest pending request. Events are handed to their
 * listener on one dispatcher thread, in order, so a listener may send requests itself.
 *
 * <p>Used for load: {@code initiate} and {@code terminate} with {@code timeout = -1} return at once, and the
 * {@code ike-updown} / {@code child-updown} events say when an SA came up or went. A blocking {@code swanctl
 * --initiate} would make charon format every log line up to level 4 for it while it waits.
 */
public final class Vici implements AutoCloseable {
    static final int CMD_REQUEST = 0;
    static final int CMD_RESPONSE = 1;
    static final int CMD_UNKNOWN = 2;
    static final int EVENT_REGISTER = 3;
    static final int EVENT_CONFIRM = 5;
    static final int EVENT_UNKNOWN = 6;
    static final int EVENT = 7;
    private static final int MAX_PACKET = 512 * 1024; // charon's own limit on a segment

    private record Event(String name, Map<String, Object> message) {}

    private final SocketChannel channel;
    private final Object writeLock = new Object();
    private final Queue<CompletableFuture<Map<String, Object>>> pending = new ConcurrentLinkedQueue<>();
    private final Map<String, Consumer<Map<String, Object>>> listeners = new ConcurrentHashMap<>();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private final Thread dispatcher;
    private volatile boolean closed;

    private Vici(SocketChannel channel) {
        this.channel = channel;
        this.reader = Thread.ofPlatform().daemon().name("vici-reader").unstarted(this::readLoop);
        this.dispatcher = Thread.ofPlatform().daemon().name("vici-events").unstarted(this::dispatchLoop);
    }

    /** Connects to a VICI Unix socket. */
    public static Vici connect(Path socket) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            Vici v = new Vici(ch);
            v.reader.start();
            v.dispatcher.start();
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to VICI socket " + socket, e);
        }
    }

    /** Sends a command; the future completes with charon's response, or fails for an unknown command. */
    public CompletableFuture<Map<String, Object>> request(String command, Map<String, ?> arguments) {
        return send(CMD_REQUEST, command, ViciMessage.encode(arguments));
    }

    /**
     * Sends a command and waits at most timeout for the response; fails when the response says
     * {@code success = no} (with charon's errmsg).
     */
    public Map<String, Object> call(String command, Map<String, ?> arguments, Duration timeout) {
        Map<String, Object> r = await(request(command, arguments), timeout, command);
        if ("no".equals(ViciMessage.value(r, "success"))) {
            throw new IllegalStateException("VICI " + command + " failed: "
                    + ViciMessage.value(r, "errmsg").strip());
        }
        return r;
    }

    /** Registers for an event; listener runs on the event thread. Waits at most timeout for charon's confirmation. */
    public void register(String event, Consumer<Map<String, Object>> listener, Duration timeout) {
        listeners.put(event, listener);
        await(send(EVENT_REGISTER, event, new byte[0]), timeout, "register " + event);
    }

    private CompletableFuture<Map<String, Object>> send(int type, String name, byte[] message) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer packet = ByteBuffer.allocate(4 + 2 + n.length + message.length);
        packet.putInt(2 + n.length + message.length)
                .put((byte) type)
                .put((byte) n.length)
                .put(n)
                .put(message)
                .flip();
        CompletableFuture<Map<String, Object>> f = new CompletableFuture<>();
        synchronized (writeLock) { // the pending queue's order is the order on the wire
            if (closed) {
                f.completeExceptionally(new IllegalStateException("VICI connection closed"));
                return f;
            }
            pending.add(f);
            try {
                while (packet.hasRemaining()) {
                    channel.write(packet);
                }
            } catch (IOException e) {
                // a half-written packet leaves the stream unusable: fail this and every pending request
                closed = true;
                UncheckedIOException failure = new UncheckedIOException("VICI write failed", e);
                for (CompletableFuture<Map<String, Object>> p; (p = pending.poll()) != null; ) {
                    p.completeExceptionally(failure);
                }
            }
        }
        return f;
    }

    private static Map<String, Object> await(CompletableFuture<Map<String, Object>> f, Duration timeout, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("VICI " + what + ": no answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("VICI " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for VICI " + what, e);
        }
    }

    private void readLoop() {
        ByteBuffer header = ByteBuffer.allocate(4);
        try {
            while (!closed) {
                header.clear();
                readFully(header);
                int length = header.flip().getInt();
                if (length < 1 || length > MAX_PACKET) {
                    throw new IOException("VICI packet length " + length);
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(body);
                body.flip();
                int type = body.get() & 0xFF;
                switch (type) {
                    case CMD_RESPONSE, EVENT_CONFIRM -> complete(ViciMessage.decode(body), null);
                    case CMD_UNKNOWN -> complete(null, "unknown command");
                    case EVENT_UNKNOWN -> complete(null, "unknown event");
                    case EVENT -> {
                        String name = ViciMessage.readName(body);
                        events.add(new Event(name, ViciMessage.decode(body)));
                    }
                    default -> throw new IOException("VICI packet type " + type);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                fail(e);
            }
        }
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new IOException("charon closed the VICI connection");
            }
        }
    }

    private void complete(Map<String, Object> message, String error) {
        CompletableFuture<Map<String, Object>> f = pending.poll();
        if (f == null) {
            return; // nothing asked: ignore, as charon never sends such a packet
        }
        if (error != null) {
            f.completeExceptionally(new IllegalStateException(error));
        } else {
            f.complete(message);
        }
    }

    private void fail(Exception e) {
        synchronized (writeLock) {
            closed = true;
        }
        for (CompletableFuture<Map<String, Object>> f; (f = pending.poll()) != null; ) {
            f.completeExceptionally(e);
        }
    }

    private void dispatchLoop() {
        try {
            while (true) {
                Event e = events.take();
                Consumer<Map<String, Object>> l = listeners.get(e.name());
                if (l != null) {
                    l.accept(e.message());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed
        }
    }

    /** Whether the connection still works (false once charon closed it or a packet could not be read). */
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            closed = true;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
        dispatcher.interrupt();
        for (CompletableFuture<Map<String, Object>> f; (f = pending.poll()) != null; ) {
            f.completeExceptionally(new IllegalStateException("VICI connection closed"));
        }
    }
}
