package io.ikeseal.hsm.audit;

import java.io.IOException;

/** Where {@link SyslogMirror} sends a message: one datagram per audit record (RFC 5426 over UDP, or a local socket). */
public interface SyslogTarget extends AutoCloseable {
    /** Sends one whole message; may block for a moment (only the mirror's own thread calls it). */
    void send(byte[] message) throws IOException;

    /** For logs and metrics labels, e.g. {@code udp:192.0.2.1:514}. */
    String describe();

    @Override
    void close();
}
