package io.ikeseal.agent.protect;

import java.security.SecureRandom;

/**
 * Where a sealing cipher takes its IVs (and AES-CBC its padding) from. Production uses {@link #random()} for CBC,
 * whose IV must be unpredictable (RFC 7296 §3.14), and {@link #counter()} for AEAD, whose IV must never repeat
 * under one key (RFC 5282 §3, RFC 7634 §3). Tests substitute captured octets to reproduce a peer's message.
 */
interface OctetSource {

    void fill(byte[] dst, int offset, int length);

    /** Octets from one shared DRBG (SecureRandom is safe for concurrent use). */
    static OctetSource random() {
        return (dst, offset, length) -> {
            byte[] b = new byte[length];
            Random.DRBG.nextBytes(b);
            System.arraycopy(b, 0, dst, offset, length);
        };
    }

    /**
     * 8-octet big-endian counter values. It starts at a random value, so that two ciphers wrongly made from one key
     * would collide only by chance, and it refuses to come round to its first value again.
     */
    static OctetSource counter() {
        return new Counter(Random.DRBG.nextLong());
    }

    /** Holds the DRBG: an interface's fields are public, this class is not visible outside the package. */
    final class Random {
        static final SecureRandom DRBG = new SecureRandom();

        private Random() {}
    }

    /** The AEAD IV counter. Synchronized: the sealing cipher's lock already orders its callers. */
    final class Counter implements OctetSource {
        private final long first;
        private long next;
        private boolean exhausted;

        Counter(long first) {
            this.first = first;
            this.next = first;
        }

        @Override
        public synchronized void fill(byte[] dst, int offset, int length) {
            if (length != Long.BYTES) {
                throw new IllegalArgumentException("the AEAD IV is 8 octets, not " + length);
            }
            if (exhausted) {
                throw new IllegalStateException("AEAD IV counter exhausted: the IKE SA must be rekeyed");
            }
            long v = next++;
            exhausted = next == first;
            for (int i = Long.BYTES - 1; i >= 0; i--) {
                dst[offset + i] = (byte) v;
                v >>>= 8;
            }
        }
    }
}
