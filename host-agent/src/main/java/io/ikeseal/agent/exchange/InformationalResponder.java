package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaEnd;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.ProtocolId;
import io.ikeseal.agent.wire.WireWriter;

/**
 * An INFORMATIONAL request (RFC 7296 §1.4), only after the initial exchanges: Delete of the IKE SA (answer empty,
 * then close), Delete of CHILD_SAs (answer with Delete of our halves, §1.4.1), an error notification (§2.21.2),
 * or nothing at all, the liveness check (§1.4), answered empty.
 */
final class InformationalResponder implements ResponderTask {
    private static final Logger LOG = LoggerFactory.getLogger(InformationalResponder.class);

    private final IkeSa sa;
    private final SaOutputs outputs;

    InformationalResponder(IkeSa sa, SaOutputs outputs) {
        this.sa = sa;
        this.outputs = outputs;
    }

    @Override
    public void handle(IkeMessage m, IkeDatagram dg) {
        boolean deleteIke = false;
        List<byte[]> ours = new ArrayList<>();
        for (DeletePayload d : m.all(DeletePayload.class)) {
            if (d.protocolId() == ProtocolId.IKE) {
                deleteIke = true;
            } else if (d.protocolId() == ProtocolId.ESP) {
                for (byte[] spi : d.spis()) {
                    for (ChildSaRecord c : sa.children().removeSendingTo(IkeRandom.espSpiValue(spi))) {
                        ChildSaTable.remove(outputs, sa.info(), sa.name(), c, "deleted by the peer");
                        ours.add(new WireWriter(4)
                                .u32(c.inboundSpi() & 0xffffffffL)
                                .array());
                        LOG.debug("CHILD_SA {} deleted by the peer", c.describe());
                    }
                }
            }
        }
        NotifyPayload error = m.error().orElse(null);
        List<IkePayload> answer = new ArrayList<>();
        if (!deleteIke && !ours.isEmpty()) {
            answer.add(new DeletePayload(ProtocolId.ESP, ours));
        }
        sa.tasks().respond(m.header(), answer);
        if (deleteIke) {
            sa.rekeys().deletedByPeer(sa); // §2.8.2: the peer's rekey, if we answered one, is what replaces it
            sa.life().ending(IkeSaEnd.PEER_DELETE);
            sa.close("deleted by the peer", true);
        } else if (error != null
                && (error.notifyType() == NotifyType.AUTHENTICATION_FAILED || sa.state() != IkeSaState.ESTABLISHED)) {
            sa.fail(NotifyType.name(error.notifyType()) + " from the peer");
        }
    }
}
