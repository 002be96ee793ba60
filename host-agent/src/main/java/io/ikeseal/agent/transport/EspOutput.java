package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;

/**
 * Sends UDP-encapsulated ESP (RFC 3948 §2.1) from the NAT-T socket, the one IKE uses, so that NAT mappings and the
 * peer's view of our port stay the same for both. Written without the non-ESP marker: the SPI is never zero.
 */
public interface EspOutput {

    /** A buffer for one datagram of up to {@code capacity} octets, from the transport's pool. */
    ByteBuf buffer(int capacity);

    /**
     * Queues {@code esp} (from the SPI on) from our NAT-T socket on {@code local}'s address to {@code remote}; takes
     * ownership.
     *
     * @return false, after releasing it, when there is no NAT-T socket on that address
     */
    boolean write(ByteBuf esp, InetSocketAddress local, InetSocketAddress remote);

    /** Sends everything queued so far. */
    void flush();

    /**
     * Sends {@code esp} (position to limit; a direct buffer the caller keeps) now, from the calling thread when the
     * transport can, else through {@link #write} (sent at the next {@link #flush}).
     *
     * @return false when it could not be sent: no NAT-T socket there, or the socket's send buffer is full
     */
    default boolean send(ByteBuffer esp, InetSocketAddress local, InetSocketAddress remote) {
        ByteBuf buf = buffer(esp.remaining());
        buf.writeBytes(esp);
        return write(buf, local, remote);
    }
}
