package io.ikeseal.agent.transport;

import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * What every IKE message an {@link IkeSender} sends waits for: the audit records of the token results it may carry
 * are durable. Token results are released once their record is queued (group commit), so this is where "a crash
 * loses nothing that was acted upon" is kept for datagrams (docs/audit.md). The daemon gives the audit log's barrier;
 * a failed barrier fails the send, and the datagram never leaves.
 */
@FunctionalInterface
public interface SendBarrier {
    /** For transports whose senders carry no token results (tests, tools). */
    SendBarrier NONE = ikeSpiI -> CompletableFuture.completedFuture(null);

    /**
     * Completes once the records the message may depend on are durable; fails if they cannot be.
     *
     * @param ikeSpiI the message's initiator SPI, 16 lowercase hex characters (as in the audit records' context)
     */
    CompletableFuture<Void> before(String ikeSpiI);

    /** The initiator SPI of an IKE message (RFC 7296 §3.1: its first eight octets), as the audit context writes it. */
    static String initiatorSpi(byte[] message) {
        return HexFormat.of().formatHex(message, 0, 8);
    }
}
