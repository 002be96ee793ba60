package io.ikeseal.agent.exchange;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;

/**
 * INFORMATIONAL Delete of CHILD_SAs (RFC 7296 §1.4.1), e.g. one the responder set up but we could not; the answer
 * needs nothing more from us.
 */
final class ChildSaDeleteInitiator implements InitiatorTask {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaDeleteInitiator.class);
    private final IkeSa sa;
    private final DeletePayload delete;
    private final Runnable done;

    ChildSaDeleteInitiator(IkeSa sa, DeletePayload delete) {
        this(sa, delete, () -> {});
    }

    /** {@code done} runs once the exchange ended (answered, unanswered or abandoned). */
    ChildSaDeleteInitiator(IkeSa sa, DeletePayload delete, Runnable done) {
        this.sa = sa;
        this.delete = delete;
        this.done = done;
    }

    @Override
    public void start() {
        sa.tasks().send(this, ExchangeType.INFORMATIONAL, List.of(delete));
    }

    @Override
    public void onResponse(IkeMessage response, IkeDatagram datagram) {
        done.run();
    }

    @Override
    public void onTimeout(String exchange, int tries) {
        LOG.info("{}: the peer did not answer INFORMATIONAL", sa.name());
        done.run();
    }

    @Override
    public void abandon() {
        done.run();
    }
}
