package io.ikeseal.agent.exchange;

import java.util.Arrays;

/**
 * A fuzz input read front to back as the steps of one run: every read past the end yields zeros, so any input is a
 * complete program and a hand-written seed reads as it is written.
 */
final class FuzzInput {
    private final byte[] data;
    private int at;

    FuzzInput(byte[] data) {
        this.data = data;
    }

    boolean more() {
        return at < data.length;
    }

    int u8() {
        return at < data.length ? data[at++] & 0xff : 0;
    }

    int u16() {
        return (u8() << 8) | u8();
    }

    long u32() {
        return ((long) u16() << 16) | u16();
    }

    /** Up to {@code n} octets, fewer at the end of the input. */
    byte[] bytes(int n) {
        int take = Math.min(n, data.length - at);
        byte[] out = Arrays.copyOfRange(data, at, at + take);
        at += take;
        return out;
    }

    /** One of {@code options}. */
    <T> T pick(T[] options) {
        return options[u8() % options.length];
    }
}
