package io.ikeseal.agent.control;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The CLI's side of the control socket: one request, one answer, both bounded in size and time. */
public final class ControlClient {
    private ControlClient() {}

    /** Nothing answers on the socket: no daemon runs there (or we may not reach it). */
    public static final class NoDaemonException extends IOException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        NoDaemonException(String message) {
            super(message);
        }
    }

    /**
     * Connects to {@code socket}, or fails with {@link NoDaemonException} when no daemon listens there. The caller
     * closes the channel.
     */
    public static SocketChannel connect(Path socket) throws NoDaemonException {
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            if (e instanceof AccessDeniedException
                    || String.valueOf(e.getMessage()).contains("ermission denied")) {
                throw new NoDaemonException("may not connect to " + socket + " (permission denied; it is owner-only)");
            }
            if (!Files.exists(socket)) {
                throw new NoDaemonException("no daemon answers on " + socket + " (no such socket)");
            }
            if (e instanceof ConnectException) {
                throw new NoDaemonException("no daemon answers on " + socket + " (connection refused)");
            }
            throw new NoDaemonException(
                    "cannot connect to " + socket + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /**
     * Sends {@code verb} with {@code args} on {@code channel} and returns the answer object ({@code ok}, {@code
     * result} or {@code error}); waits at most {@code timeout} for it. Closes the channel.
     */
    public static JsonNode call(SocketChannel channel, String verb, ObjectNode args, Duration timeout)
            throws IOException {
        AtomicBoolean timedOut = new AtomicBoolean();
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> {
                    timedOut.set(true);
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // closing is all that is left to do
                    }
                });
        try (channel) {
            ByteBuffer out = ByteBuffer.wrap(ControlProtocol.request(verb, args));
            IOException unsent = null;
            try {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            } catch (IOException e) {
                unsent = e; // the daemon may have answered at once (busy) and closed: its answer is still there
            }
            byte[] line;
            try {
                line = readAnswer(channel);
            } catch (IOException e) {
                if (unsent != null) {
                    e.addSuppressed(unsent);
                }
                throw e;
            }
            JsonNode answer = ControlProtocol.parseAnswer(line);
            if (answer == null || !answer.isObject() || !answer.path("ok").isBoolean()) {
                throw new IOException("the daemon's answer is not a control protocol answer");
            }
            return answer;
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new IOException("no answer from the daemon within " + timeout.toMillis() + " ms", e);
            }
            throw e;
        }
    }

    /** Sends the request to {@code socket}: {@link #connect} and {@link #call}. */
    public static JsonNode call(Path socket, String verb, ObjectNode args, Duration timeout) throws IOException {
        return call(connect(socket), verb, args, timeout);
    }

    private static byte[] readAnswer(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            int from = buf.position();
            int n = ch.read(buf);
            if (n < 0) {
                if (buf.position() == 0) {
                    throw new IOException("the daemon closed the connection without an answer");
                }
                return Arrays.copyOf(buf.array(), buf.position());
            }
            for (int i = from; i < buf.position(); i++) {
                if (buf.get(i) == '\n') {
                    return Arrays.copyOf(buf.array(), i);
                }
            }
            if (!buf.hasRemaining()) {
                if (buf.capacity() >= ControlProtocol.MAX_ANSWER_OCTETS) {
                    throw new IOException("answer longer than " + ControlProtocol.MAX_ANSWER_OCTETS + " octets");
                }
                buf = ByteBuffer.allocate(Math.min(buf.capacity() * 2, ControlProtocol.MAX_ANSWER_OCTETS))
                        .put(buf.flip());
            }
        }
    }
}
