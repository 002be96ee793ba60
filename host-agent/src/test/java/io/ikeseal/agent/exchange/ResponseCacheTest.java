package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * RFC 7296 §2.1 and §2.3: the answer to the last request is kept until a request above it arrives, for the peer's
 * retransmissions; with a window of 1 (the default) exactly one answer, with a window of N the last N.
 */
class ResponseCacheTest {
    private static final byte[] A = {1};
    private static final byte[] B = {2};
    private static final byte[] C = {3};

    private static CachedAnswer sent(byte[]... datagrams) {
        return new CachedAnswer.Sent(List.of(datagrams));
    }

    @Test
    void windowOneKeepsTheLastAnswerUntilTheNextRequestIsAnswered() {
        ResponseCache c = new ResponseCache(1);
        assertTrue(c.isEmpty());
        assertTrue(c.acceptable(0));
        assertFalse(c.acceptable(1), "only the next message ID is within a window of 1");
        c.store(0, sent(A));
        assertSame(A, c.answer(0).datagrams(null).getFirst());
        assertFalse(c.acceptable(0), "answered: a retransmission, not a new request");
        assertTrue(c.acceptable(1));
        assertFalse(c.acceptable(2));
        c.store(1, sent(B, C));
        assertNull(c.answer(0), "a request with a higher ID arrived: the older answer is no longer owed");
        assertSame(C, c.answer(1).datagrams(null).get(1));
        assertFalse(c.isEmpty());
        assertTrue(c.acceptable(2));
    }

    @Test
    void aLargerWindowKeepsAsManyAnswers() {
        ResponseCache c = new ResponseCache(2);
        assertTrue(c.acceptable(0));
        assertTrue(c.acceptable(1));
        assertFalse(c.acceptable(2));
        c.store(1, sent(B));
        assertTrue(c.acceptable(0), "0 still open below the answered 1");
        assertFalse(c.acceptable(2));
        c.store(0, sent(A));
        assertTrue(c.acceptable(2));
        assertTrue(c.acceptable(3));
        assertSame(A, c.answer(0).datagrams(null).getFirst());
        c.store(2, sent(C));
        c.store(3, sent(C));
        assertNull(c.answer(1));
        assertSame(C, c.answer(2).datagrams(null).getFirst());
        assertSame(C, c.answer(3).datagrams(null).getFirst());
    }
}
