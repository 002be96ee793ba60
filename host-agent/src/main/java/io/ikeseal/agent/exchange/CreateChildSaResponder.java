package io.ikeseal.agent.exchange;

import java.util.Optional;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.SecurityAssociationPayload;

/**
 * CREATE_CHILD_SA on an established IKE SA (RFC 7296 §1.3): which of its three forms the request is, and the task
 * that answers it. An SA payload whose proposals are for IKE rekeys the IKE SA (§1.3.2); N(REKEY_SA) rekeys a
 * CHILD_SA (§1.3.3); anything else asks for a new CHILD_SA (§1.3.1).
 */
final class CreateChildSaResponder implements ResponderTask {
    private final IkeSa sa;

    CreateChildSaResponder(IkeSa sa) {
        this.sa = sa;
    }

    @Override
    public void handle(IkeMessage request, IkeDatagram datagram) {
        Optional<SecurityAssociationPayload> proposals = request.first(SecurityAssociationPayload.class);
        boolean ike = proposals.isPresent()
                && !proposals.get().proposals().isEmpty()
                && proposals.get().proposals().getFirst().protocolId() == ProtocolId.IKE;
        ResponderTask task;
        if (ike) {
            task = new IkeSaRekeyResponder(sa);
        } else if (sa.rekeys().inFlight()) {
            task = new BusyResponder(sa); // §2.25: no CHILD_SA work on an IKE SA we are rekeying
        } else if (request.notification(NotifyType.REKEY_SA).isPresent()) {
            task = new ChildSaRekeyResponder(sa);
        } else {
            task = new ChildSaCreateResponder(sa);
        }
        task.handle(request, datagram);
    }
}
