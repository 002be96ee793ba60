package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessage;

/**
 * One complete IKE message to send to {@code recipient} from the socket it is written to. The octets are the IKE
 * message only: on the NAT-T socket the encoder puts the non-ESP marker in front (RFC 3948 §2.2). Only whole
 * messages get this far: the header's Length must equal the octets' length (RFC 7296 §3.1), so a half-built message
 * fails here, in the caller, and never reaches the wire. The array is not copied: do not change it after sending.
 */
public record OutboundIkeDatagram(byte[] octets, InetSocketAddress recipient) {

    public OutboundIkeDatagram {
        Objects.requireNonNull(octets, "octets");
        Objects.requireNonNull(recipient, "recipient");
        if (recipient.isUnresolved()) {
            throw new IllegalArgumentException("unresolved recipient " + recipient);
        }
        if (octets.length < IkeHeader.LENGTH || headerLength(octets) != octets.length) {
            throw new IllegalArgumentException("not a complete IKE message: " + octets.length + " octets"
                    + (octets.length < IkeHeader.LENGTH ? "" : ", header Length " + headerLength(octets)));
        }
    }

    public static OutboundIkeDatagram of(IkeMessage message, InetSocketAddress recipient) {
        return new OutboundIkeDatagram(message.encode(), recipient);
    }

    private static long headerLength(byte[] b) {
        return ((b[24] & 0xffL) << 24) | ((b[25] & 0xff) << 16) | ((b[26] & 0xff) << 8) | (b[27] & 0xff);
    }

    @Override
    public String toString() {
        return octets.length + " octets to " + recipient;
    }
}
