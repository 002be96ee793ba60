package io.ikeseal.agent.transport;

import static io.ikeseal.agent.transport.LoopbackSide.V4;
import static io.ikeseal.agent.transport.LoopbackSide.WAIT_SECONDS;
import static io.ikeseal.agent.transport.LoopbackSide.next;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Issue 12: every IKE message a transport's senders send waits for the send barrier (the audit log's, in the daemon):
 * nothing leaves before it completes, and nothing leaves when it fails, whether the sender came from a socket (an
 * initiator) or with a received datagram (the replies of an SA or of the IKE_SA_INIT listener).
 */
class SendBarrierTest {
    /** A barrier per initiator SPI that the test completes or fails by hand. */
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();

    private final SendBarrier barrier = spi -> gates.computeIfAbsent(spi, k -> new CompletableFuture<>());

    @Test
    void aMessageLeavesOnlyOnceItsBarrierCompletedAndNeverWhenItFails() throws Exception {
        TransportConfig config = TransportConfig.of(List.of(V4)).withPorts(0, 0);
        try (LoopbackSide side = new LoopbackSide(config, barrier);
                Peer peer = new Peer(V4)) {
            IkeSender toPeer = side.socket(V4, false).sender(peer.address());
            String spiI = SendBarrier.initiatorSpi(Vectors.initRequest());
            assertEquals(16, spiI.length());

            CompletableFuture<Void> sent = toPeer.send(Vectors.initRequest());
            assertThrows(SocketTimeoutException.class, peer::receive, "sent before its records were durable");
            assertFalse(sent.isDone());
            gates.get(spiI).complete(null);
            sent.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertArrayEquals(Vectors.initRequest(), peer.receive());

            // The replies of a received request wait too; a failed barrier fails the send, and nothing leaves.
            peer.send(Vectors.initRequest(), side.socket(V4, false).localAddress());
            IkeSender replies = next(side.inits).replies();
            gates.put(spiI, CompletableFuture.failedFuture(new IOException("audit log broken (test)")));
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> replies.send(Vectors.initResponse()).get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals("audit log broken (test)", e.getCause().getMessage());
            assertThrows(SocketTimeoutException.class, peer::receive, "sent although its records were lost");
            side.assertClean();
        }
    }
}
