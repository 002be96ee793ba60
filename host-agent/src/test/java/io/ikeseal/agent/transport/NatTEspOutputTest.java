package io.ikeseal.agent.transport;

import static io.ikeseal.agent.transport.LoopbackSide.V4;
import static io.ikeseal.agent.transport.LoopbackSide.V6;
import static io.ikeseal.agent.transport.LoopbackSide.next;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

/**
 * ESP a data plane sends leaves the NAT-T socket of its local address bare, without the non-ESP marker (RFC 3948
 * §2.1), reaches the peer's EspSink with the SPI first, and a batch leaves at one flush.
 */
class NatTEspOutputTest {

    @Test
    void espTravelsBetweenNatTSocketsBothFamiliesInBatches() throws Exception {
        try (LoopbackSide a = new LoopbackSide(true);
                LoopbackSide b = new LoopbackSide(true)) {
            for (InetAddress family : new InetAddress[] {V4, V6}) {
                InetSocketAddress from = a.socket(family, true).localAddress();
                InetSocketAddress to = b.socket(family, true).localAddress();
                EspOutput out = a.transport.espOutput();
                for (int i = 1; i <= 3; i++) {
                    ByteBuf esp =
                            out.buffer(64).writeInt(0x1000_0000 + i).writeInt(i).writeBytes(new byte[20]);
                    assertTrue(out.write(esp, from, to));
                }
                out.flush();
                for (int i = 1; i <= 3; i++) {
                    DatagramPacket got = next(b.esp);
                    try {
                        assertEquals(from, got.sender(), "from our NAT-T socket");
                        assertEquals(28, got.content().readableBytes(), "no marker in front");
                        assertEquals(
                                0x1000_0000 + i,
                                got.content().getInt(got.content().readerIndex()),
                                "SPI first");
                        assertArrayEquals(new byte[20], ByteBufUtil.getBytes(got.content(), 8, 20));
                    } finally {
                        got.release();
                    }
                }
            }
            a.assertClean();
            b.assertClean();
        }
    }

    /** send() goes out at once from the caller's thread (sendto on epoll, queued and flushed on NIO). */
    @Test
    void sendLeavesFromTheCallersThreadOnBothTransports() throws Exception {
        for (boolean epoll : new boolean[] {true, false}) {
            try (LoopbackSide a = new LoopbackSide(epoll);
                    LoopbackSide b = new LoopbackSide(true)) {
                InetSocketAddress from = a.socket(V4, true).localAddress();
                InetSocketAddress to = b.socket(V4, true).localAddress();
                EspOutput out = a.transport.espOutput();
                java.nio.ByteBuffer esp = java.nio.ByteBuffer.allocateDirect(64);
                esp.putInt(0x2000_0001).putInt(7).put(new byte[12]).flip();
                assertTrue(out.send(esp, from, to));
                out.flush();
                DatagramPacket got = next(b.esp);
                try {
                    assertEquals(from, got.sender(), epoll ? "epoll" : "nio");
                    assertEquals(20, got.content().readableBytes());
                    assertEquals(0x2000_0001, got.content().getInt(got.content().readerIndex()));
                } finally {
                    got.release();
                }
                assertFalse(
                        out.send(esp.rewind(), new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 4500), to));
            }
        }
    }

    @Test
    void anAddressWithoutANatTSocketIsRefusedAndTheBufferReleased() throws Exception {
        try (LoopbackSide a = new LoopbackSide(true)) {
            EspOutput out = a.transport.espOutput();
            ByteBuf esp = out.buffer(16).writeLong(1);
            assertFalse(out.write(
                    esp,
                    new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 4500),
                    new InetSocketAddress(V4, 4500)));
            assertEquals(0, esp.refCnt());
        }
    }
}
