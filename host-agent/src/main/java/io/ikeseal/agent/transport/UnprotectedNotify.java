package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * An answer owed to a request outside any SA: one error notification, sent without cryptographic protection. RFC
 * 7296 §1.5 and §2.21.4 fix its shape: a response (R set) in version 2.0 (the version we support, §2.5), to the
 * request's source address and port, with the request's IKE SPIs, Exchange Type and Message ID. The I flag says
 * which role we would play (§3.1): set only when the request came from a peer claiming to be the responder. For an
 * IKE_SA_INIT request the copied responder SPI is 0, which the dispatcher has checked (§3.1).
 *
 * @param notifyData the notification's data (UNSUPPORTED_CRITICAL_PAYLOAD: the payload type; otherwise empty)
 */
public record UnprotectedNotify(IkeHeader request, int notifyType, byte[] notifyData, InetSocketAddress sender) {

    public UnprotectedNotify {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(notifyData, "notifyData");
        Objects.requireNonNull(sender, "sender");
        DropCounters.answerIndex(notifyType); // only the three notifications ever sent outside an SA
        if (!request.isRequest()) {
            throw new IllegalArgumentException("responses are never answered (RFC 7296 §1.5)");
        }
    }

    /** INVALID_IKE_SPI for a protected request under an SPI we do not know (§1.5, §2.21.4); no data. */
    public static UnprotectedNotify invalidIkeSpi(IkeHeader request, InetSocketAddress sender) {
        return new UnprotectedNotify(request, NotifyType.INVALID_IKE_SPI, new byte[0], sender);
    }

    /** The answer as a message: header per §1.5, one notify payload about no particular SA (§3.10). */
    public IkeMessage message() {
        int flags = IkeHeader.FLAG_RESPONSE | (request.fromInitiator() ? 0 : IkeHeader.FLAG_INITIATOR);
        IkeHeader h = new IkeHeader(
                request.initiatorSpi(),
                request.responderSpi(),
                0,
                IkeHeader.MAJOR_VERSION,
                IkeHeader.MINOR_VERSION,
                request.exchangeType(),
                flags,
                request.messageId(),
                0);
        return new IkeMessage(h, List.of(NotifyPayload.of(notifyType, notifyData)));
    }

    @Override
    public String toString() {
        return NotifyType.name(notifyType) + " to " + sender + " for " + request;
    }
}
