package io.ikeseal.agent.exchange;

import java.util.List;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;

/**
 * INFORMATIONAL Delete of the IKE SA and with it its CHILD_SAs (RFC 7296 §1.4.1); the SA closes on the answer, or
 * when the peer stays silent through every retransmission.
 */
final class IkeSaDeleteInitiator implements InitiatorTask {
    private final IkeSa sa;
    private final String reason;

    IkeSaDeleteInitiator(IkeSa sa, String reason) {
        this.sa = sa;
        this.reason = reason;
    }

    @Override
    public void start() {
        sa.tasks().send(this, ExchangeType.INFORMATIONAL, List.of(DeletePayload.ikeSa()));
    }

    @Override
    public void onResponse(IkeMessage response, IkeDatagram datagram) {
        sa.close(reason, true);
    }

    @Override
    public void onTimeout(String exchange, int tries) {
        sa.close(reason + " (the peer did not answer our Delete)", true);
    }
}
