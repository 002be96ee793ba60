package io.ikeseal.agent.exchange;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;

/**
 * Answers one request of the peer (RFC 7296 §1): made by the {@link ResponderTable} for the request's exchange type
 * and the SA's state, it answers through {@link TaskManager#respond} exactly once, possibly after token calls.
 */
interface ResponderTask {

    void handle(IkeMessage request, IkeDatagram datagram);
}
