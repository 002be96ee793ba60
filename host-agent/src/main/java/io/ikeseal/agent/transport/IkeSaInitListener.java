package io.ikeseal.agent.transport;

/**
 * Receives IKE_SA_INIT requests (responder SPI 0, I flag set; RFC 7296 §1.2): the start of a new IKE SA with us as
 * responder. Retransmissions of a request already being handled arrive here too, as they still carry responder SPI
 * 0; the listener recognises them by initiator SPI and peer address (§2.1, §2.4).
 *
 * <p>Runs on a Netty event loop: must not block (no token calls, no waiting); hand the work to an executor, answer
 * through the {@link IkeSender}. What it throws is counted as {@link DropReason#HANDLER_FAILED}.
 */
@FunctionalInterface
public interface IkeSaInitListener {

    void ikeSaInitRequest(IkeDatagram request, IkeSender replies);
}
