package io.ikeseal.agent.transport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;

import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.UnknownPayload;
import io.ikeseal.agent.wire.WiresharkCaptures;

/**
 * Byte vectors for the transport tests: the IKE messages of Wireshark's AES-256-GCM-16 capture (public test data,
 * see {@link WiresharkCaptures}) and variants of them broken in one field each.
 */
final class Vectors {
    static final String CAPTURE = "ikev2-decrypt-aes256gcm16";
    /** The capture's SPIs. */
    static final long SPI_I = 0x0158b8fb90b7623dL;

    static final long SPI_R = 0x13514610cea16160L;
    /** An unassigned payload type, sent with the critical bit. */
    static final int UNKNOWN_PAYLOAD = 200;
    /** Offsets in the IKE header (RFC 7296 §3.1). */
    static final int VERSION_OFFSET = 17;

    static final int FLAGS_OFFSET = 19;

    static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.1", 500);
    static final InetSocketAddress LOCAL = new InetSocketAddress("198.51.100.7", 500);

    private Vectors() {}

    /** IKE_SA_INIT request: SA, KE, Ni, N(NAT_DETECTION_SOURCE_IP), N(NAT_DETECTION_DESTINATION_IP), N(...). */
    static byte[] initRequest() {
        return WiresharkCaptures.frame(CAPTURE, 1);
    }

    /** IKE_SA_INIT response. */
    static byte[] initResponse() {
        return WiresharkCaptures.frame(CAPTURE, 2);
    }

    /** IKE_AUTH request, sealed (SK), from the original initiator. */
    static byte[] authRequest() {
        return WiresharkCaptures.frame(CAPTURE, 3);
    }

    /** IKE_AUTH response, sealed. */
    static byte[] authResponse() {
        return WiresharkCaptures.frame(CAPTURE, 4);
    }

    /** INFORMATIONAL request, sealed, from the original responder (I flag clear). */
    static byte[] informationalFromResponder() {
        return WiresharkCaptures.frame(CAPTURE, 5);
    }

    static byte[] withMajorVersion(byte[] message, int major) {
        byte[] b = message.clone();
        b[VERSION_OFFSET] = (byte) (major << 4);
        return b;
    }

    /** {@code message} with an unknown critical payload put first (RFC 7296 §2.5). */
    static byte[] withUnknownCriticalPayload(byte[] message) {
        IkeMessage m = decode(message);
        List<IkePayload> payloads = new ArrayList<>(m.payloads());
        payloads.addFirst(new UnknownPayload(UNKNOWN_PAYLOAD, new byte[] {1, 2, 3, 4}));
        byte[] b = new IkeMessage(m.header(), payloads).encode();
        b[28 + 1] |= (byte) 0x80; // the first generic payload header's critical bit
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] withMarker(byte[] ike) {
        return concat(new byte[NatTFramer.NON_ESP_MARKER_LENGTH], ike);
    }

    /** An ESP packet as RFC 4303 §2 lays it out: SPI, sequence number, then opaque payload and ICV. */
    static byte[] esp(int spi, int sequence, int payloadLength) {
        byte[] b = new byte[8 + payloadLength];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (spi >>> (24 - 8 * i));
            b[4 + i] = (byte) (sequence >>> (24 - 8 * i));
        }
        for (int i = 8; i < b.length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** A received datagram from PEER to LOCAL; its own buffer, even when empty, so its release can be checked. */
    static DatagramPacket packet(byte[] payload) {
        return new DatagramPacket(Unpooled.buffer(payload.length).writeBytes(payload), LOCAL, PEER);
    }

    static IkeMessage decode(byte[] message) {
        try {
            return IkeMessageCodec.decode(message);
        } catch (MalformedMessageException e) {
            throw new AssertionError(e);
        }
    }
}
