package io.ikeseal.agent.exchange;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Test-only random values: real ones, except that the first octet of the next nonces (32-octet requests, RFC 7296
 * §2.10) can be scripted, to force the order of nonces a collision is resolved by (§2.8.1).
 */
final class ScriptedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final transient Deque<Integer> firstOctets = new ArrayDeque<>();

    /** The next nonces start with these octets, in this order. */
    synchronized void nonces(int... first) {
        for (int f : first) {
            firstOctets.add(f);
        }
    }

    @Override
    public synchronized void nextBytes(byte[] bytes) {
        super.nextBytes(bytes);
        if (bytes.length == IkeSaInitInitiator.NONCE_LENGTH && firstOctets != null && !firstOctets.isEmpty()) {
            bytes[0] = (byte) (int) firstOctets.poll();
        }
    }
}
