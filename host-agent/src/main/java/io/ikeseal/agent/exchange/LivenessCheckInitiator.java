package io.ikeseal.agent.exchange;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;

/**
 * The liveness check (RFC 7296 §1.4, §2.4): an empty INFORMATIONAL request; any authentic answer proves the peer
 * alive. Without one after every retransmission the SA closes as a dead peer ({@link IkeSaLifecycle#deadPeer}).
 */
final class LivenessCheckInitiator implements InitiatorTask {
    private final IkeSa sa;
    private final CompletableFuture<Boolean> alive = new CompletableFuture<>();

    LivenessCheckInitiator(IkeSa sa) {
        this.sa = sa;
    }

    /** Completes true with the peer's answer, false when it never came. */
    CompletableFuture<Boolean> alive() {
        return alive;
    }

    @Override
    public void start() {
        sa.tasks().send(this, ExchangeType.INFORMATIONAL, List.of());
    }

    @Override
    public void onResponse(IkeMessage response, IkeDatagram datagram) {
        alive.complete(true);
    }

    /** §2.4: the peer is gone; the SA closes without a Delete exchange (no one would answer it). */
    @Override
    public void onTimeout(String exchange, int tries) {
        alive.complete(false);
        sa.life().deadPeer("no answer to a liveness check after " + tries + " retransmissions");
    }

    @Override
    public void abandon() {
        alive.complete(false);
    }
}
