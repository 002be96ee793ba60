package io.ikeseal.agent.exchange;

import java.security.SecureRandom;

/**
 * Random values whose nonces (arrays of 16 octets or more) can be given a first octet, so a test scripts which
 * exchange of a rekey collision holds the lowest nonce (RFC 7296 §2.8.2). SPIs and shorter values stay random.
 */
final class BiasedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    /** The first octet of each nonce from now on; -1 for none. */
    @SuppressWarnings("serial")
    volatile int firstOctet = -1;

    @Override
    public void nextBytes(byte[] bytes) {
        super.nextBytes(bytes);
        int b = firstOctet;
        if (b >= 0 && bytes.length >= 16) {
            bytes[0] = (byte) b;
        }
    }
}
