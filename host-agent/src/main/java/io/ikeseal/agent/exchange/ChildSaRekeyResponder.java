package io.ikeseal.agent.exchange;

import java.util.List;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/** CHILD_SA rekey (RFC 7296 §1.3.3) as responder: not offered yet, so N(NO_ADDITIONAL_SAS) rather than a timeout at the peer. */
final class ChildSaRekeyResponder implements ResponderTask {
    private final IkeSa sa;

    ChildSaRekeyResponder(IkeSa sa) {
        this.sa = sa;
    }

    @Override
    public void handle(IkeMessage request, IkeDatagram datagram) {
        sa.tasks().respond(request.header(), List.of(NotifyPayload.of(NotifyType.NO_ADDITIONAL_SAS)));
    }
}
