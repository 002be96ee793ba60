package io.ikeseal.agent.exchange;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Our answers to the peer's requests, kept for its retransmissions (RFC 7296 §2.1): a retransmitted request gets the
 * same answer again without any new work. It accepts requests within the window we announced (§2.3: 1 unless we
 * sent SET_WINDOW_SIZE) above the lowest one not yet answered, and keeps the answers of that many message IDs.
 */
final class ResponseCache {
    private final int capacity;
    /** Window 1 (the default, §2.3): the one answer kept, for message {@link #lastId}; no map. */
    private CachedAnswer last;

    private long lastId = -1;
    /** A larger window: the answers of up to {@code capacity} message IDs. */
    private final Map<Long, CachedAnswer> answers;

    private long expected;

    ResponseCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window size must be at least 1");
        }
        this.capacity = capacity;
        this.answers = capacity == 1 ? null : new LinkedHashMap<>();
    }

    int capacity() {
        return capacity;
    }

    /** What we answered message {@code id} with, or null. */
    CachedAnswer answer(long id) {
        if (answers == null) {
            return id == lastId ? last : null;
        }
        return answers.get(id);
    }

    boolean isEmpty() {
        return answers == null ? last == null : answers.isEmpty();
    }

    /** Whether {@code id} is a new request we may work on now: within the window above the last one answered. */
    boolean acceptable(long id) {
        return id >= expected && id < expected + capacity && answer(id) == null;
    }

    /** Keeps the answer to {@code id} until a request above the window arrives (§2.1: only the last is owed). */
    void store(long id, CachedAnswer answer) {
        if (answers == null) {
            if (id >= expected - 1) {
                last = answer;
                lastId = id;
                expected = id == expected ? id + 1 : expected;
            }
            return;
        }
        answers.put(id, answer);
        while (answers.containsKey(expected)) {
            expected++;
        }
        answers.keySet().removeIf(k -> k < expected - capacity);
    }
}
