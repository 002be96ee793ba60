package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NotifyType;

/**
 * A request that failed to decode with a readable header and a notification RFC 7296 prescribes for the failure.
 * The dispatcher answers it outside any SA only where the RFC allows that (INVALID_MAJOR_VERSION, §2.5; an
 * IKE_SA_INIT request's UNSUPPORTED_CRITICAL_PAYLOAD, §2.21.1). Inside a known SA it goes to the SA, which may check
 * the ICV over {@code octets} and answer protected; INVALID_SYNTAX is never answered otherwise (§3.10.1).
 *
 * @param notifyData the notification's data, e.g. the unsupported payload type; treat as read-only
 * @param octets     the datagram as received, without any non-ESP marker; treat as read-only
 */
public record MalformedIkeRequest(
        IkeHeader header,
        MalformedReason reason,
        int notifyType,
        byte[] notifyData,
        byte[] octets,
        InetSocketAddress sender,
        InetSocketAddress recipient,
        boolean natT) {

    public MalformedIkeRequest {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(notifyData, "notifyData");
        Objects.requireNonNull(octets, "octets");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        if (notifyType == 0 || !header.isRequest()) {
            throw new IllegalArgumentException("only requests with a prescribed notification");
        }
    }

    @Override
    public String toString() {
        return header + " " + reason.label() + " -> " + NotifyType.name(notifyType) + " from " + sender + " to "
                + recipient + (natT ? " (NAT-T)" : "");
    }
}
