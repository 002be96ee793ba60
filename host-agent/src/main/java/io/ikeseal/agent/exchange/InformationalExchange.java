package io.ikeseal.agent.exchange;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.ProtocolId;

/**
 * INFORMATIONAL exchanges (RFC 7296 §1.4): as responder, Delete of the IKE SA (answer empty, then close), Delete of
 * CHILD_SAs (answer with Delete of our halves, §1.4.1), an error notification from the initiator after IKE_AUTH
 * (§2.21.2), and the empty request of a liveness check (§1.4); as initiator, deleting the IKE SA or a CHILD_SA.
 */
final class InformationalExchange {
    private static final Logger LOG = LoggerFactory.getLogger(InformationalExchange.class);

    private InformationalExchange() {
    }

    static void respond(IkeSession s, IkeMessage m) {
        boolean deleteIke = false;
        List<byte[]> ours = new ArrayList<>();
        for (DeletePayload d : m.all(DeletePayload.class)) {
            if (d.protocolId() == ProtocolId.IKE) {
                deleteIke = true;
            } else if (d.protocolId() == ProtocolId.ESP) {
                for (byte[] spi : d.spis()) {
                    int peerInbound = ChildSaSetup.spiValue(spi);
                    for (Iterator<ChildSaRecord> it = s.children.iterator(); it.hasNext(); ) {
                        ChildSaRecord c = it.next();
                        if (c.outboundSpi() == peerInbound) {
                            it.remove();
                            s.services.installer().remove(c);
                            ours.add(new io.ikeseal.agent.wire.WireWriter(4).u32(c.inboundSpi() & 0xffffffffL)
                                    .array());
                            LOG.info("CHILD_SA {} deleted by the peer", c.describe());
                        }
                    }
                }
            }
        }
        NotifyPayload error = m.error().orElse(null);
        List<IkePayload> answer = new ArrayList<>();
        if (!deleteIke && !ours.isEmpty()) {
            answer.add(new DeletePayload(ProtocolId.ESP, ours));
        }
        s.respond(m.header(), answer);
        if (deleteIke) {
            s.close("deleted by the peer", true);
        } else if (error != null && (error.notifyType() == NotifyType.AUTHENTICATION_FAILED
                || s.state != IkeSaState.ESTABLISHED)) {
            s.fail(NotifyType.name(error.notifyType()) + " from the peer");
        }
    }

    /** Deletes the IKE SA and with it its CHILD_SAs (§1.4.1); closes on the answer or when the peer stays silent. */
    static void deleteIkeSa(IkeSession s, String reason) {
        if (s.state != IkeSaState.ESTABLISHED) {
            s.close(reason, true);
            return;
        }
        s.state = IkeSaState.DELETING;
        s.request(ExchangeType.INFORMATIONAL, List.of(DeletePayload.ikeSa()), new IkeSession.ResponseHandler() {
            @Override
            public void onResponse(IkeMessage response, IkeDatagram datagram) {
                s.close(reason, true);
            }

            @Override
            public void onTimeout(String exchange, int tries) {
                s.close(reason + " (the peer did not answer our Delete)", true);
            }
        });
    }

    /** A request whose answer needs nothing more from us, e.g. a Delete of a CHILD_SA we could not set up. */
    static void request(IkeSession s, List<? extends IkePayload> payloads) {
        s.request(ExchangeType.INFORMATIONAL, payloads, new IkeSession.ResponseHandler() {
            @Override
            public void onResponse(IkeMessage response, IkeDatagram datagram) {
            }

            @Override
            public void onTimeout(String exchange, int tries) {
                LOG.info("{}: the peer did not answer INFORMATIONAL", s.name());
            }
        });
    }
}
