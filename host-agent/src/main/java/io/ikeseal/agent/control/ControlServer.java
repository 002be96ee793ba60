package io.ikeseal.agent.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's control socket (docs/operations-ctl.md): accepts on a Unix domain socket, checks each peer's user
 * (SO_PEERCRED), reads one request line within {@link #READ_TIMEOUT} and at most
 * {@link ControlProtocol#MAX_REQUEST_OCTETS}, runs its verb on the connection's own virtual thread and writes one
 * answer. At most {@link #MAX_CLIENTS} connections are served at once; more are answered {@code busy}. Whatever a
 * client sends, it gets an error answer naming the problem, never a stack trace, and the daemon goes on.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    /** How long a client has to send its request line once connected. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** Connections served at once. */
    public static final int MAX_CLIENTS = 8;
    /** How long, and how much, the rest of a request is read and dropped after the answer. */
    private static final Duration DRAIN_TIME = Duration.ofSeconds(1);

    private static final long MAX_DRAIN_OCTETS = 1 << 20;

    private final Path path;
    private final ServerSocketChannel server;
    private final Object fileKey;
    private final Map<String, ControlVerb> verbs;
    private final PeerPolicy peers;
    private final Semaphore slots = new Semaphore(MAX_CLIENTS);
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("control-timeout").factory());
    private final Duration readTimeout;
    private volatile boolean closed;

    private ControlServer(
            Path path, ServerSocketChannel server, Map<String, ControlVerb> verbs, PeerPolicy peers, Duration timeout)
            throws IOException {
        this.path = path;
        this.server = server;
        this.fileKey = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey();
        this.verbs = Map.copyOf(verbs);
        this.peers = peers;
        this.readTimeout = timeout;
    }

    /** Serves {@code verbs} on {@code path} to the daemon's user and root. */
    public static ControlServer start(Path path, Map<String, ControlVerb> verbs) throws IOException {
        return start(path, verbs, null, READ_TIMEOUT);
    }

    /** As {@link #start(Path, Map)}, with another peer policy (null: the daemon's user and root) and read timeout. */
    public static ControlServer start(Path path, Map<String, ControlVerb> verbs, PeerPolicy peers, Duration timeout)
            throws IOException {
        ServerSocketChannel server = ControlSocketFile.bind(path, MAX_CLIENTS * 2);
        ControlServer s;
        try {
            PeerPolicy policy = peers != null ? peers : PeerPolicy.ownerOrRoot(Files.getOwner(path));
            s = new ControlServer(path, server, verbs, policy, timeout);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw e;
        }
        Thread.ofPlatform().daemon().name("control-accept").start(s::acceptLoop);
        LOG.info("control socket on {}", path);
        return s;
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.warn("control socket {}: accept failed: {}", path, e.toString());
                pause(); // e.g. out of file descriptors: do not spin
                continue;
            }
            if (!slots.tryAcquire()) {
                answer(
                        ch,
                        ControlProtocol.error(
                                ControlException.BUSY,
                                MAX_CLIENTS + " control clients are connected already; try again shortly"));
                close(ch);
                continue;
            }
            Thread.ofVirtual().name("control-client").start(() -> {
                try {
                    serve(ch);
                } finally {
                    close(ch);
                    slots.release();
                }
            });
        }
    }

    private void serve(SocketChannel ch) {
        UnixDomainPrincipal peer;
        try {
            peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | RuntimeException e) {
            answer(ch, ControlProtocol.error(ControlException.PERMISSION_DENIED, "peer credentials unavailable"));
            return;
        }
        Optional<String> refused = peers.refusal(peer);
        if (refused.isPresent()) {
            LOG.warn("control socket {}: refused: {}", path, refused.get());
            try {
                // taken in (bounded) but not parsed, so the client's write does not meet a closed socket
                var _ = readLine(ch);
            } catch (ControlException | IOException e) {
                // whatever it sent, the answer is the same
            }
            answer(ch, ControlProtocol.error(ControlException.PERMISSION_DENIED, refused.get()));
            drain(ch);
            return;
        }
        byte[] answer;
        try {
            ControlRequest request = ControlProtocol.parse(readLine(ch));
            answer = ControlProtocol.ok(dispatch(request, peer));
        } catch (ControlException e) {
            answer = ControlProtocol.error(e.code(), e.getMessage());
        } catch (IOException e) {
            LOG.debug("control socket {}: reading a request: {}", path, e.toString());
            return; // the client is gone: nobody to answer
        }
        answer(ch, answer);
        drain(ch);
    }

    /**
     * After the answer: what the client still sends (the rest of an oversized request) is read and dropped, bounded
     * in octets and time, until it closes. Closing with unread input would reset the connection (unix(7)), and the
     * client could lose the answer waiting in its buffer.
     */
    private void drain(SocketChannel ch) {
        ScheduledFuture<?> timer = schedule(() -> close(ch), DRAIN_TIME, ch);
        try {
            ch.shutdownOutput();
            ByteBuffer b = ByteBuffer.allocate(8192);
            long total = 0;
            while (total < MAX_DRAIN_OCTETS && ch.read(b) >= 0) {
                total += b.position();
                b.clear();
            }
        } catch (IOException e) {
            LOG.debug("control socket {}: after the answer: {}", path, e.toString());
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private JsonNode dispatch(ControlRequest request, UnixDomainPrincipal peer) {
        ControlVerb verb = verbs.get(request.verb());
        if (verb == null) {
            throw new ControlException(
                    ControlException.UNKNOWN_VERB,
                    "no verb '" + brief(request.verb()) + "' (verbs: "
                            + String.join(", ", verbs.keySet().stream().sorted().toList()) + ")");
        }
        if (request.verb().equals("sas") || request.verb().equals("tokens")) {
            LOG.debug(
                    "control: {} {} by {}",
                    request.verb(),
                    request.args(),
                    peer.user().getName());
        } else { // what changes the daemon's state is on the record
            LOG.info(
                    "control: {} {} by {}",
                    request.verb(),
                    request.args(),
                    peer.user().getName());
        }
        try {
            return verb.run(request);
        } catch (ControlException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("control: {} failed", request.verb(), e);
            String m = e.getMessage();
            throw new ControlException(
                    ControlException.INTERNAL,
                    e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' ')));
        }
    }

    private static String brief(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /**
     * One line, without its newline (the last line may lack one). A client that has not sent it within the read
     * timeout has its input shut down, which ends the read.
     */
    private byte[] readLine(SocketChannel ch) throws IOException {
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = schedule(
                () -> {
                    timedOut.set(true);
                    try {
                        ch.shutdownInput();
                    } catch (IOException e) {
                        close(ch);
                    }
                },
                readTimeout,
                ch);
        try {
            ByteBuffer buf = ByteBuffer.allocate(ControlProtocol.MAX_REQUEST_OCTETS);
            while (true) {
                int from = buf.position();
                int n = ch.read(buf);
                if (n < 0) {
                    if (timedOut.get()) {
                        throw new ControlException(
                                ControlException.TIMEOUT,
                                "no complete request line within " + readTimeout.toMillis() + " ms");
                    }
                    if (buf.position() == 0) {
                        throw new ControlException(ControlException.MALFORMED, "empty request");
                    }
                    return java.util.Arrays.copyOf(buf.array(), buf.position());
                }
                for (int i = from; i < buf.position(); i++) {
                    if (buf.get(i) == '\n') {
                        return java.util.Arrays.copyOf(buf.array(), i);
                    }
                }
                if (!buf.hasRemaining()) {
                    throw new ControlException(
                            ControlException.TOO_LARGE,
                            "request longer than " + ControlProtocol.MAX_REQUEST_OCTETS + " octets");
                }
            }
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /**
     * Runs {@code task} after {@code delay} on the watchdog; once the server is closed (its watchdog gone), closes
     * {@code ch} at once instead, which ends whatever the connection's thread waits for; null then.
     */
    private ScheduledFuture<?> schedule(Runnable task, Duration delay, SocketChannel ch) {
        try {
            return watchdog.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            close(ch);
            return null;
        }
    }

    private void answer(SocketChannel ch, byte[] answer) {
        try {
            ByteBuffer b = ByteBuffer.wrap(answer);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        } catch (IOException e) {
            LOG.debug("control socket {}: answering: {}", path, e.toString());
        }
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("control socket: close: {}", e.toString());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and removes the socket file if it is still the one this server bound. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("control socket {}: close: {}", path, e.toString());
        }
        watchdog.shutdownNow();
        try {
            if (fileKey != null
                    && fileKey.equals(Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class)
                            .fileKey())) {
                Files.delete(path);
            }
        } catch (IOException e) {
            LOG.debug("control socket {}: not removed: {}", path, e.toString());
        }
    }
}
