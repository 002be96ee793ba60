package io.ikeseal.agent.transport;

import static io.ikeseal.agent.transport.Vectors.PEER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.Arrays;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

/** Outbound IKE: to its recipient, from the socket's own address, behind the marker on the NAT-T socket. */
class IkeDatagramEncoderTest {

    private static DatagramPacket encode(boolean natT, Object msg) {
        EmbeddedChannel ch = new EmbeddedChannel(new IkeDatagramEncoder(natT));
        ch.writeOutbound(msg);
        DatagramPacket p = assertInstanceOf(DatagramPacket.class, ch.readOutbound());
        assertNull(ch.readOutbound());
        ch.checkException();
        return p;
    }

    @Test
    void onTheIkePortTheMessageGoesAsItIs() {
        DatagramPacket p = encode(false, new OutboundIkeDatagram(Vectors.initResponse(), PEER));
        assertArrayEquals(Vectors.initResponse(), ByteBufUtil.getBytes(p.content()));
        assertEquals(PEER, p.recipient());
        assertNull(p.sender(), "the socket's own address is the source");
        p.release();
    }

    @Test
    void onTheNatTPortTheNonEspMarkerComesFirst() {
        DatagramPacket p = encode(true, new OutboundIkeDatagram(Vectors.initResponse(), PEER));
        assertArrayEquals(Vectors.withMarker(Vectors.initResponse()), ByteBufUtil.getBytes(p.content()));
        assertEquals(PEER, p.recipient());
        p.release();
    }

    @Test
    void otherDatagramsSuchAsEspPassUntouched() {
        DatagramPacket esp = Vectors.packet(Vectors.esp(0x12345678, 1, 16));
        assertSame(esp, encode(true, esp));
        esp.release();
    }

    @Test
    void onlyWholeMessagesToResolvedAddressesAreAccepted() {
        byte[] init = Vectors.initResponse();
        assertThrows(IllegalArgumentException.class, () -> new OutboundIkeDatagram(Arrays.copyOf(init, 27), PEER));
        assertThrows(IllegalArgumentException.class, () -> new OutboundIkeDatagram(Arrays.copyOf(init, 100), PEER));
        assertThrows(
                IllegalArgumentException.class, () -> new OutboundIkeDatagram(Vectors.concat(init, new byte[1]), PEER));
        assertThrows(
                IllegalArgumentException.class,
                () -> new OutboundIkeDatagram(init, InetSocketAddress.createUnresolved("peer.example", 500)));
    }
}
