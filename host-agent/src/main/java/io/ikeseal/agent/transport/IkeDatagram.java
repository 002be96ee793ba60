package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

import io.ikeseal.agent.wire.IkeMessage;

/**
 * One IKE message as received: decoded, with the octets it was decoded from (without any non-ESP marker) and the
 * addresses it travelled between. The octets are kept because later steps need them exactly as sent: the ICV and
 * SK associated data (RFC 7296 §3.14), the AUTH octets of IKE_SA_INIT messages (§2.15) and retransmission checks
 * (§2.1). The array is the datagram's own: treat it as read-only.
 *
 * @param sender    the peer's address and port, where answers go (§2.11)
 * @param recipient our address and port the datagram was received on; replies leave from there
 * @param natT      received on the NAT-T port behind a non-ESP marker (RFC 3948 §2.2, RFC 7296 §2.23)
 */
public record IkeDatagram(
        IkeMessage message, byte[] octets, InetSocketAddress sender, InetSocketAddress recipient, boolean natT) {

    public IkeDatagram {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(octets, "octets");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
    }

    /** Addresses and exchange only: the octets may be protected payloads, whose size is all we show. */
    @Override
    public String toString() {
        return message.header() + " " + octets.length + " octets from " + sender + " to " + recipient
                + (natT ? " (NAT-T)" : "");
    }
}
