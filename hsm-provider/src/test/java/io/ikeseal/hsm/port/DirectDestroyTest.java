package io.ikeseal.hsm.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.DirectTestKeys;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.P11TraceLog;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * Destroys through the direct binding (docs/tokens.md, "Direct binding"), counted with p11trace on NSS softoken: a
 * destroy only queues the handle, so the queue must be run even when no call follows it, and a key dropped without
 * destroy must still leave the token once it is collected.
 */
class DirectDestroyTest {
    private static final int KEYS = 3000;
    private static final long WAIT_NANOS = 20_000_000_000L;

    static final NssExtension nss = NssExtension.traced().withName("direct-destroy");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    /** More destroys than one drain batch, all queued after the last call: the idle task runs them all. */
    @Test
    void destroysQueuedAfterTheLastCallAllRun() throws Exception {
        Token token = opened.token();
        long mark = P11TraceLog.mark(nss.token().traceLog());
        List<SealedKey> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(DirectTestKeys.secret(token, "k", new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i}, 8, 0));
        }
        assertEquals(KEYS, left(mark), "every key is an object in the token");
        keys.forEach(SealedKey::destroy);
        long t0 = System.nanoTime();
        while ((token.direct().pendingDestroys() > 0 || left(mark) > 0) && System.nanoTime() - t0 < WAIT_NANOS) {
            Thread.sleep(20);
        }
        assertEquals(0, token.direct().pendingDestroys(), "destroys still queued");
        assertEquals(0, left(mark), "objects still in the token");
        assertTrue(
                token.direct().openSessions() <= token.spec().threads(),
                "one session per token thread: " + token.direct());
    }

    /** A key nobody destroys stays counted as a live handle (the leak shows) but leaves the token after a GC. */
    @Test
    void aKeyDroppedWithoutDestroyLeavesTheTokenAfterAGc() throws Exception {
        Token token = opened.token();
        long mark = P11TraceLog.mark(nss.token().traceLog());
        long live = token.liveObjects().count();
        DirectTestKeys.secret(token, "dropped", new byte[] {9, 8, 7, 6, 5, 4, 3, 2}, 8, 0);
        assertEquals(1, left(mark));
        long t0 = System.nanoTime();
        while (left(mark) > 0 && System.nanoTime() - t0 < WAIT_NANOS) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(0, left(mark), "a dropped key stays in the token");
        assertEquals(live + 1, token.liveObjects().count(), "the dropped handle still counts as a leak");
    }

    private static long left(long mark) {
        return NativeDestroyTest.outstanding(P11TraceLog.read(nss.token().traceLog(), mark))
                .left();
    }
}
