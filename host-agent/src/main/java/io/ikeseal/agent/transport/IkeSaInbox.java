package io.ikeseal.agent.transport;

/**
 * Where the transport delivers the messages of one IKE SA, registered in {@link IkeSpiTable} under our SPI.
 *
 * <p>Both methods run on a Netty event loop and must return quickly: never block, never call a token (token calls
 * block, see docs/tokens.md), never wait on a future. Hand the work to the SA's own executor (a serial one keeps
 * the SA's state single-threaded) and answer through the {@link IkeSender}, from any thread. What a method throws
 * is counted as {@link DropReason#HANDLER_FAILED} and goes no further.
 */
public interface IkeSaInbox {

    /**
     * A well-formed message for this SA, request or response, still sealed if it carries SK or SKF.
     *
     * @param replies the path back: the datagram's sender, from the socket it arrived on (RFC 7296 §2.11)
     */
    void receive(IkeDatagram datagram, IkeSender replies);

    /**
     * A request for this SA that failed to decode with a prescribed notification (UNSUPPORTED_CRITICAL_PAYLOAD,
     * INVALID_SYNTAX). An SA may verify the ICV over {@link MalformedIkeRequest#octets()} and only then answer,
     * protected (RFC 7296 §2.5, §3.10.1); by default the request is ignored, as the transport has counted it.
     */
    default void receiveMalformed(MalformedIkeRequest request, IkeSender replies) {}
}
