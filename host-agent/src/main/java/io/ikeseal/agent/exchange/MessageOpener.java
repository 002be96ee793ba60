package io.ikeseal.agent.exchange;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.protect.IntegrityException;
import io.ikeseal.agent.protect.Reassembly;
import io.ikeseal.agent.sa.IkeSaState;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.EncryptedFragmentPayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * A received message's payloads, decrypted and reassembled when protected (RFC 7296 §3.14, RFC 7383), or null when
 * it is dropped (counted) or waits for more fragments. An authentic but malformed request is answered with
 * INVALID_SYNTAX (§3.10.1); only IKE_SA_INIT travels unprotected.
 */
final class MessageOpener {
    private static final Logger LOG = LoggerFactory.getLogger(MessageOpener.class);

    private MessageOpener() {}

    /** As {@link #opened}; an authentic message also tells dead peer detection that the peer lives (§2.4). */
    static IkeMessage open(IkeSa sa, TaskManager tasks, IkeDatagram dg, boolean request) {
        IkeMessage m = opened(sa, tasks, dg, request);
        if (m != null && dg.message().isSealed()) { // integrity checked: the peer sent it
            sa.life().liveness().heard();
        }
        return m;
    }

    private static IkeMessage opened(IkeSa sa, TaskManager tasks, IkeDatagram dg, boolean request) {
        IkeMessage sealed = dg.message();
        if (!sealed.isSealed()) {
            if (sealed.header().exchangeType() == ExchangeType.IKE_SA_INIT.code()) {
                return sealed;
            }
            tasks.drop("unprotected-after-ike-sa-init", dg);
            return null;
        }
        if (sa.protection() == null) {
            tasks.drop("no-keys-yet", dg);
            return null;
        }
        try {
            if (sealed.payloads().getLast() instanceof EncryptedFragmentPayload) {
                return switch (sa.protection().reassembler().offer(sealed, dg.octets())) {
                    case Reassembly.Complete c -> c.message();
                    case Reassembly.Pending p -> null;
                    case Reassembly.Retransmitted r -> null;
                    case Reassembly.Dropped d -> {
                        tasks.drop("fragment-" + d.reason().label(), dg);
                        yield null;
                    }
                };
            }
            return sa.protection().messages().unprotect(sealed, dg.octets());
        } catch (IntegrityException e) {
            tasks.drop("integrity-" + e.failure().label(), dg);
            return null;
        } catch (MalformedMessageException e) {
            LOG.info(
                    "{}: {} from {} is malformed after its integrity check: {}",
                    sa.name(),
                    request ? "request" : "response",
                    dg.sender(),
                    e.getMessage());
            String exchange = ExchangeType.name(sealed.header().exchangeType());
            if (request) {
                tasks.respond(sealed.header(), List.of(NotifyPayload.of(NotifyType.INVALID_SYNTAX)));
                if (sa.state() != IkeSaState.ESTABLISHED) {
                    sa.close("malformed " + exchange + " request", true);
                }
            } else {
                sa.fail("malformed " + exchange + " response: " + e.getMessage());
            }
            return null;
        }
    }
}
