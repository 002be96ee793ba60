package io.ikeseal.hsm.token;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A token's own bounded executor: as many threads as the token can serve at once and a bounded queue,
 * so a flood of handshakes is refused rather than queued without limit.
 */
final class TokenExecutor extends ThreadPoolExecutor {
    static final int QUEUE_PER_THREAD = 1024;

    TokenExecutor(String tokenName, int threads) {
        super(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD),
                Thread.ofPlatform().daemon().name("token-" + tokenName + "-", 0).factory(),
                new AbortPolicy());
    }

    int queued() {
        return getQueue().size();
    }

    void shutdownAndWait() {
        shutdown();
        try {
            if (!awaitTermination(10, TimeUnit.SECONDS)) {
                shutdownNow();
            }
        } catch (InterruptedException e) {
            shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
