package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.agent.wire.ProtocolId;

/**
 * CHILD_SA rekey (RFC 7296 §1.3.3, §2.8) as responder: N(REKEY_SA) names the CHILD_SA by the initiator's inbound SPI
 * (our outbound one). CHILD_SA_NOT_FOUND when we have none such (§2.25), TEMPORARY_FAILURE while we delete it
 * (§2.25.1) or already replaced, or the IKE SA is not simply ESTABLISHED. Otherwise the new CHILD_SA is made as any other
 * ({@link ChildSaCreateResponder#answer}) and announced as the old one's successor; the old one serves until the
 * initiator's Delete for it arrives, or we delete it ourselves after {@code giveUpAfter}. If our own rekey of it is
 * in flight, the collision is noted for that rekey to resolve (§2.8.1).
 */
final class ChildSaRekeyResponder implements ResponderTask {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaRekeyResponder.class);

    private final IkeSa sa;

    ChildSaRekeyResponder(IkeSa sa) {
        this.sa = sa;
    }

    @Override
    public void handle(IkeMessage request, IkeDatagram datagram) {
        NotifyPayload rekey = request.notification(NotifyType.REKEY_SA).orElseThrow();
        Optional<ChildSa> old = rekey.protocolId() == ProtocolId.ESP && rekey.spi().length == 4
                ? sa.children().byOutbound(IkeRandom.espSpiValue(rekey.spi()))
                : Optional.empty();
        if (old.isEmpty()) {
            LOG.info("{}: rekey of an unknown CHILD_SA", sa.name());
            sa.tasks()
                    .respond(
                            request.header(),
                            List.of(new NotifyPayload(
                                    rekey.protocolId(), rekey.spi(), NotifyType.CHILD_SA_NOT_FOUND, new byte[0])));
            return;
        }
        ChildSa c = old.get();
        if (sa.state() != IkeSaState.ESTABLISHED
                || c.state() == ChildSa.State.DELETING
                || c.state() == ChildSa.State.REKEYED) {
            sa.tasks().respond(request.header(), List.of(NotifyPayload.of(NotifyType.TEMPORARY_FAILURE)));
            return;
        }
        boolean collision = c.state() == ChildSa.State.REKEYING;
        ChildSaCreateResponder.answer(sa, request, List.of(c.config()), c, (now, lowest) -> {
            if (collision) {
                c.peerRekeyed(now, lowest);
            }
            var wait = sa.settings().giveUpAfter();
            Scheduler.Timer t = sa.shared()
                    .scheduler()
                    .schedule(
                            wait,
                            () -> sa.exec().execute(() -> {
                                if (!sa.isClosed()) {
                                    sa.children().delete(c, "rekeyed (the peer did not delete it)");
                                }
                            }));
            if (t == null) {
                LOG.debug("{}: no timer for the old CHILD_SA", sa.name());
            }
        });
    }
}
