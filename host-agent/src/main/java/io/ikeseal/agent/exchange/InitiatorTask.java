package io.ikeseal.agent.exchange;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;

/**
 * One exchange we start (RFC 7296 §1): it builds its request, possibly after token calls, hands it to the
 * {@link TaskManager} ({@link TaskManager#send}), and acts on the response. The manager starts queued tasks while
 * the peer's window has room (§2.3). Runs on the SA's executor.
 */
interface InitiatorTask {

    /** Builds the request and sends it through the task manager, or fails the SA. */
    void start();

    /** The peer's response, decrypted. */
    void onResponse(IkeMessage response, IkeDatagram datagram);

    /** No response after the last retransmission (§2.1); the manager fails the SA afterwards unless this closed it. */
    default void onTimeout(String exchange, int tries) {}

    /** The SA closed before this task finished: release what it holds, e.g. a key share. */
    default void abandon() {}
}
