package io.ikeseal.agent.transport;

import static io.ikeseal.agent.transport.Vectors.LOCAL;
import static io.ikeseal.agent.transport.Vectors.PEER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 3948 §2.2/§2.3 and RFC 7296 §2.23: what the NAT-T port's first octets mean. */
class NatTFramerTest {
    private final DropCounters counters = new DropCounters();
    private final List<DatagramPacket> esp = new ArrayList<>();
    private final EmbeddedChannel ch = new EmbeddedChannel(new NatTFramer(counters, esp::add));

    @AfterEach
    void nothingEscaped() {
        ch.checkException();
        esp.forEach(DatagramPacket::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void nonEspMarkerIsStrippedAndIkePassesOn() {
        byte[] ike = Vectors.initRequest();
        ch.writeInbound(Vectors.packet(Vectors.withMarker(ike)));
        DatagramPacket out = assertInstanceOf(DatagramPacket.class, ch.readInbound());
        assertArrayEquals(ike, ByteBufUtil.getBytes(out.content()));
        assertEquals(PEER, out.sender());
        assertEquals(LOCAL, out.recipient());
        out.release();
        assertEquals(0, counters.totalDrops());
        assertEquals(List.of(), esp);
    }

    @Test
    void markerAloneLeavesAnEmptyIkeDatagramForTheDecoderToRefuse() {
        ch.writeInbound(Vectors.packet(new byte[4]));
        DatagramPacket out = assertInstanceOf(DatagramPacket.class, ch.readInbound());
        assertEquals(0, out.content().readableBytes());
        out.release();
    }

    @Test
    void natKeepaliveIsCountedAndDropped() {
        DatagramPacket keepalive = Vectors.packet(new byte[] {(byte) 0xff});
        ch.writeInbound(keepalive);
        assertNull(ch.readInbound());
        assertEquals(1, counters.get(DropReason.NAT_KEEPALIVE));
        assertEquals(1, counters.totalDrops());
        assertEquals(0, keepalive.refCnt());
    }

    @Test
    void espGoesToTheDataPlaneWithItsAddresses() {
        byte[] packet = Vectors.esp(0x12345678, 1, 40);
        ch.writeInbound(Vectors.packet(packet));
        assertNull(ch.readInbound());
        assertEquals(1, esp.size());
        DatagramPacket got = esp.getFirst();
        assertArrayEquals(packet, ByteBufUtil.getBytes(got.content()));
        assertEquals("12345678" + "00000001", HexFormat.of().formatHex(packet, 0, 8));
        assertEquals(PEER, got.sender());
        assertEquals(LOCAL, got.recipient());
        assertEquals(0, counters.totalDrops());
    }

    @Test
    void withoutDataPlaneEspIsCountedAndDropped() {
        EmbeddedChannel plain = new EmbeddedChannel(new NatTFramer(counters, EspSink.dropping(counters)));
        DatagramPacket packet = Vectors.packet(Vectors.esp(0x100, 7, 0));
        plain.writeInbound(packet);
        assertNull(plain.readInbound());
        assertEquals(1, counters.get(DropReason.ESP_NO_DATA_PLANE));
        assertEquals(0, packet.refCnt());
        plain.checkException();
    }

    /** Neither keepalive nor marker nor a whole ESP header (8 octets). */
    @ParameterizedTest
    @ValueSource(strings = {"", "00", "fe", "ffff", "000000", "ff000000", "00000001", "01020304050607"})
    void tooShortIsCountedAndDropped(String hex) {
        DatagramPacket packet = Vectors.packet(HexFormat.of().parseHex(hex));
        ch.writeInbound(packet);
        assertNull(ch.readInbound());
        assertEquals(1, counters.get(DropReason.NAT_T_TOO_SHORT));
        assertEquals(0, packet.refCnt());
        assertEquals(List.of(), esp);
    }

    @Test
    void aThrowingDataPlaneIsCountedAndThePacketReleased() {
        EmbeddedChannel failing = new EmbeddedChannel(new NatTFramer(counters, p -> {
            throw new IllegalStateException("data plane bug");
        }));
        DatagramPacket packet = Vectors.packet(Vectors.esp(0x12345678, 1, 8));
        failing.writeInbound(packet);
        failing.checkException();
        assertEquals(1, counters.get(DropReason.HANDLER_FAILED));
        assertEquals(0, packet.refCnt());
    }
}
