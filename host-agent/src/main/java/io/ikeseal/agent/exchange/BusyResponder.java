package io.ikeseal.agent.exchange;

import java.util.List;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * CREATE_CHILD_SA on an IKE SA that a rekey replaced or that is being deleted: TEMPORARY_FAILURE (RFC 7296 §2.25),
 * so the peer retries on the new SA, or sees the SA go, rather than retransmitting into silence.
 */
final class BusyResponder implements ResponderTask {
    private final IkeSa sa;

    BusyResponder(IkeSa sa) {
        this.sa = sa;
    }

    @Override
    public void handle(IkeMessage request, IkeDatagram datagram) {
        sa.tasks().respond(request.header(), List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE)));
    }
}
