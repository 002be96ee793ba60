package io.ikeseal.agent.exchange;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Test-only random values: real ones, except that nonces (arrays of 16 octets or more, RFC 7296 §2.10) can be given
 * a first octet, so a test scripts which exchange of a rekey collision holds the lowest nonce (§2.8.1, §2.8.2):
 * either the next few nonces one by one ({@link #nonces}) or every nonce from now on ({@link #firstOctet}). SPIs and
 * shorter values stay random.
 */
final class BiasedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    /** The first octet of each nonce from now on, once the scripted ones are used up; -1 for none. */
    @SuppressWarnings("serial")
    volatile int firstOctet = -1;

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
        if (bytes.length < 16) {
            return;
        }
        Integer scripted = firstOctets == null ? null : firstOctets.poll();
        int b = scripted != null ? scripted : firstOctet;
        if (b >= 0) {
            bytes[0] = (byte) b;
        }
    }
}
