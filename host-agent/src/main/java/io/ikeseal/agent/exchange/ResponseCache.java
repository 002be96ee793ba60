package io.ikeseal.agent.exchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our answers to the peer's requests, kept for its retransmissions (RFC 7296 §2.1): a retransmitted request gets the
 * same answer again without any new work. It accepts requests within the window we announced (§2.3: 1 unless we
 * sent SET_WINDOW_SIZE) above the lowest one not yet answered, and keeps the answers of that many message IDs.
 */
final class ResponseCache {
    private final int capacity;
    private final Map<Long, List<byte[]>> answers = new LinkedHashMap<>();
    private long expected;

    ResponseCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("window size must be at least 1");
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** The datagrams we answered message {@code id} with, or null. */
    List<byte[]> answer(long id) {
        return answers.get(id);
    }

    boolean isEmpty() {
        return answers.isEmpty();
    }

    /** Whether {@code id} is a new request we may work on now: within the window above the last one answered. */
    boolean acceptable(long id) {
        return id >= expected && id < expected + capacity && !answers.containsKey(id);
    }

    void store(long id, List<byte[]> datagrams) {
        answers.put(id, List.copyOf(datagrams));
        while (answers.containsKey(expected)) {
            expected++;
        }
        answers.keySet().removeIf(k -> k < expected - capacity);
    }
}
