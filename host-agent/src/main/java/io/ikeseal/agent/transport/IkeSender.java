package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.wire.IkeMessage;

/**
 * Sends IKE messages from one of our sockets to one peer address and port: how an SA answers and retransmits
 * without knowing the channel, the event loop or the non-ESP marker (added on the NAT-T socket, RFC 3948 §2.2).
 * Safe to call from any thread; the future completes on an event loop, so callbacks on it must not block.
 */
public interface IkeSender {

    /** Our address and port the messages leave from. */
    InetSocketAddress local();

    /** The peer's address and port. */
    InetSocketAddress remote();

    /** Sent from the NAT-T socket, with the non-ESP marker. */
    boolean natT();

    /**
     * Sends one complete IKE message (e.g. an SK-protected one as the protect layer built it). An incomplete one is
     * refused here with IllegalArgumentException (see {@link OutboundIkeDatagram}); a socket error fails the future.
     */
    CompletableFuture<Void> send(byte[] octets);

    /**
     * A sender from our NAT-T socket on the same local address to {@code remote}, for an initiator that found a NAT
     * in IKE_SA_INIT (RFC 7296 §2.23); empty when we have none there.
     */
    default Optional<IkeSender> toNatT(InetSocketAddress remote) {
        return Optional.empty();
    }

    /**
     * Sends a NAT-keepalive (RFC 3948 §2.3): the single octet 0xFF, without the non-ESP marker, so that a NAT in front
     * of us keeps its mapping. Only from the NAT-T socket; elsewhere the future fails.
     */
    default CompletableFuture<Void> sendNatKeepalive() {
        return CompletableFuture.failedFuture(
                new IllegalStateException("NAT-keepalives go from the NAT-T socket only"));
    }

    default CompletableFuture<Void> send(IkeMessage message) {
        return send(message.encode());
    }
}
