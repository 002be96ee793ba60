package io.ikeseal.agent.protect;

import java.util.ArrayDeque;
import java.util.Deque;

/** IVs and padding given in advance, e.g. taken from a captured message, to reproduce its octets exactly. */
final class ScriptedOctets implements OctetSource {
    private final Deque<byte[]> chunks = new ArrayDeque<>();

    ScriptedOctets(byte[]... chunks) {
        for (byte[] c : chunks) {
            this.chunks.add(c.clone());
        }
    }

    @Override
    public void fill(byte[] dst, int offset, int length) {
        byte[] next = chunks.poll();
        if (next == null || next.length != length) {
            throw new IllegalStateException("script has no " + length + "-octet chunk next");
        }
        System.arraycopy(next, 0, dst, offset, length);
    }

    boolean used() {
        return chunks.isEmpty();
    }
}
