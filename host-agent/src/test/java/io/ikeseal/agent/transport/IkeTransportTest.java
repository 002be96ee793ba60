package io.ikeseal.agent.transport;

import static io.ikeseal.agent.transport.LoopbackSide.V4;
import static io.ikeseal.agent.transport.LoopbackSide.V6;
import static io.ikeseal.agent.transport.LoopbackSide.WAIT_SECONDS;
import static io.ikeseal.agent.transport.LoopbackSide.next;
import static io.ikeseal.agent.transport.Vectors.SPI_I;
import static io.ikeseal.agent.transport.Vectors.SPI_R;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.ikeseal.agent.transport.LoopbackSide.Delivery;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/** Two transports on real UDP sockets, 127.0.0.1 and ::1, kernel-chosen free ports, over epoll and NIO. */
class IkeTransportTest {

    static Stream<Arguments> paths() {
        return Stream.of(true, false)
                .flatMap(epoll -> Stream.of(V4, V6)
                        .flatMap(address -> Stream.of(false, true)
                                .map(natT -> Arguments.of(epoll ? "epoll" : "nio", address, natT))));
    }

    @ParameterizedTest(name = "{0} {1} NAT-T {2}")
    @MethodSource("paths")
    void twoEndpointsRunIkeSaInitAndIkeAuthShapedExchanges(String io, InetAddress address, boolean natT)
            throws Exception {
        boolean epoll = io.equals("epoll");
        try (LoopbackSide a = new LoopbackSide(epoll);
                LoopbackSide b = new LoopbackSide(epoll)) {
            assertEquals(epoll, a.transport.nativeEpoll());
            IkeSocket sa = a.socket(address, natT);
            IkeSocket sb = b.socket(address, natT);
            BlockingQueue<Delivery> initiator = a.sa(SPI_I); // the initiator registers its SPI before sending

            // A -> B: IKE_SA_INIT request, to B's listener, sender and recipient as on the wire.
            IkeSender toB = sa.sender(sb.localAddress());
            toB.send(Vectors.initRequest()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            Delivery init = next(b.inits);
            assertArrayEquals(Vectors.initRequest(), init.datagram().octets());
            assertEquals(sa.localAddress(), init.datagram().sender());
            assertEquals(sb.localAddress(), init.datagram().recipient());
            assertEquals(natT, init.datagram().natT());

            // B -> A: the response goes back on the path it came, to the SA registered under SPIi.
            BlockingQueue<Delivery> responder = b.sa(SPI_R);
            init.replies().send(Vectors.initResponse()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            Delivery resp = next(initiator);
            assertArrayEquals(Vectors.initResponse(), resp.datagram().octets());
            assertEquals(sb.localAddress(), resp.datagram().sender());
            assertEquals(sa.localAddress(), resp.datagram().recipient());

            // A -> B: IKE_AUTH (sealed) now reaches B's SA by its responder SPI, and its response A's.
            toB.send(Vectors.authRequest()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            Delivery auth = next(responder);
            assertTrue(auth.datagram().message().isSealed());
            assertEquals(sa.localAddress(), auth.datagram().sender());
            assertEquals(sb.localAddress(), auth.replies().local());
            auth.replies().send(Vectors.authResponse()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertArrayEquals(Vectors.authResponse(), next(initiator).datagram().octets());

            assertEquals(0, a.counters.totalDrops(), a.counters.toString());
            assertEquals(0, b.counters.totalDrops(), b.counters.toString());
            a.assertClean();
            b.assertClean();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void natTPortFramesIkeWithTheMarkerAndSortsKeepalivesAndEsp(String literal) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        try (LoopbackSide b = new LoopbackSide(true);
                Peer peer = new Peer(address)) {
            InetSocketAddress natT = b.socket(address, true).localAddress();
            peer.send(Vectors.withMarker(Vectors.initRequest()), natT);
            Delivery init = next(b.inits);
            assertTrue(init.datagram().natT());
            assertEquals(peer.address(), init.datagram().sender());
            assertEquals(natT, init.datagram().recipient());
            init.replies().send(Vectors.initResponse()).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertArrayEquals(Vectors.withMarker(Vectors.initResponse()), peer.receive());

            byte[] esp = Vectors.esp(0x0badcafe, 1, 32);
            peer.send(new byte[] {(byte) 0xff}, natT);
            peer.send(esp, natT);
            peer.send(Vectors.withMarker(Vectors.initRequest()), natT); // a barrier: same socket, same order
            next(b.inits);
            assertEquals(1, b.counters.get(DropReason.NAT_KEEPALIVE));
            DatagramPacket packet = next(b.esp);
            assertArrayEquals(esp, ByteBufUtil.getBytes(packet.content()));
            assertEquals(peer.address(), packet.sender());
            assertEquals(natT, packet.recipient());
            packet.release();
            b.assertClean();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1"})
    void unknownSpiIsAnsweredOnlyForProtectedRequests(String literal) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        try (LoopbackSide b = new LoopbackSide(true);
                Peer peer = new Peer(address)) {
            InetSocketAddress ike = b.socket(address, false).localAddress();
            peer.send(Vectors.authRequest(), ike);
            assertEquals(
                    "0158b8fb90b7623d13514610cea16160" + "29202320" + "00000001" + "00000024" + "00000008" + "0000"
                            + "0004",
                    HexFormat.of().formatHex(peer.receive()));

            peer.send(Vectors.authResponse(), ike); // a response: never answered
            peer.send(Vectors.withMajorVersion(Vectors.initRequest(), 3), ike);
            byte[] next = peer.receive();
            assertEquals(
                    NotifyType.INVALID_MAJOR_VERSION,
                    ((NotifyPayload) Vectors.decode(next).payloads().getFirst()).notifyType(),
                    "the response got no INVALID_IKE_SPI");
            assertEquals(2, b.counters.get(DropReason.UNKNOWN_SPI));
            assertEquals(1, b.counters.answers(NotifyType.INVALID_IKE_SPI));
            b.assertClean();
        }
    }

    @Test
    void epollIsAvailableOnLinuxX86_64() {
        if (System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64")) {
            assertTrue(
                    Epoll.isAvailable(),
                    () -> "netty-transport-native-epoll did not load: " + Epoll.unavailabilityCause());
        }
    }

    @Test
    void configuredPortsAreBoundOnEveryAddress() throws Exception {
        int[] ports = Peer.freePorts(2);
        TransportConfig config = TransportConfig.of(List.of(V4, V6)).withPorts(ports[0], ports[1]);
        try (LoopbackSide side = new LoopbackSide(config)) {
            assertEquals(
                    List.of(
                            new InetSocketAddress(V4, ports[0]),
                            new InetSocketAddress(V4, ports[1]),
                            new InetSocketAddress(V6, ports[0]),
                            new InetSocketAddress(V6, ports[1])),
                    side.transport.sockets().stream()
                            .map(IkeSocket::localAddress)
                            .toList());
            assertEquals(
                    List.of(false, true, false, true),
                    side.transport.sockets().stream().map(IkeSocket::natT).toList());
        }
        // Closed means released: the ports can be bound again at once.
        for (int port : ports) {
            new DatagramSocket(new InetSocketAddress(V4, port)).close();
            new DatagramSocket(new InetSocketAddress(V6, port)).close();
        }
    }

    @Test
    void aPortInUseFailsTheStartAndReleasesWhatWasBound() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(V6, 0))) {
            int port = taken.getLocalPort();
            TransportConfig config = TransportConfig.of(List.of(V4, V6)).withPorts(port, 0);
            BindException e = assertThrows(
                    BindException.class, () -> IkeTransport.start(config, new IkeSpiTable(), (d, s) -> {}));
            assertTrue(
                    e.getMessage().contains(":" + port) && e.getMessage().contains("0:0:0:0:0:0:0:1"), e.getMessage());
            new DatagramSocket(new InetSocketAddress(V4, port)).close(); // 127.0.0.1 had been bound, then closed
        }
    }

    @Test
    void wildcardAndDuplicateAddressesAreRefused() throws Exception {
        assertThrows(
                IllegalArgumentException.class, () -> TransportConfig.of(List.of(InetAddress.getByName("0.0.0.0"))));
        assertThrows(IllegalArgumentException.class, () -> TransportConfig.of(List.of(InetAddress.getByName("::"))));
        assertThrows(IllegalArgumentException.class, () -> TransportConfig.of(List.of(V4, V4)));
        assertThrows(
                IllegalArgumentException.class,
                () -> TransportConfig.of(List.of(V4)).withPorts(4500, 4500));
        assertNotEquals(
                TransportConfig.of(List.of(V4)).ikePort(),
                TransportConfig.of(List.of(V4)).natTPort());
    }
}
