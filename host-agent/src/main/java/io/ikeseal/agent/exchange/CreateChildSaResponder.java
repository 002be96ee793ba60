package io.ikeseal.agent.exchange;

import java.util.List;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * CREATE_CHILD_SA on an established IKE SA (RFC 7296 §1.3): rekeying and further CHILD_SAs are not offered yet, so
 * the answer is N(NO_ADDITIONAL_SAS) rather than a timeout at the peer. The rekey responders replace this entry of
 * the {@link ResponderTable}, using {@link ChildSaNegotiation} with the exchange's own nonces and KE.
 */
final class CreateChildSaResponder implements ResponderTask {
    private final IkeSa sa;

    CreateChildSaResponder(IkeSa sa) {
        this.sa = sa;
    }

    @Override
    public void handle(IkeMessage request, IkeDatagram datagram) {
        sa.tasks().respond(request.header(), List.of(NotifyPayload.of(NotifyType.NO_ADDITIONAL_SAS)));
    }
}
