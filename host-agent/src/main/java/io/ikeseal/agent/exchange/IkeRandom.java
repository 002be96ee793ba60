package io.ikeseal.agent.exchange;

import java.security.SecureRandom;

import io.ikeseal.agent.wire.MalformedMessageException;
import io.ikeseal.agent.wire.WireReader;

/** The random values of the exchanges: nonces (RFC 7296 §2.10), IKE SPIs (§2.6) and ESP SPIs (RFC 4303 §2.1). */
public final class IkeRandom {
    /** SPIs 1..255 are reserved by IANA (RFC 4303 §2.1). */
    private static final int MIN_ESP_SPI = 0x100;

    private final SecureRandom random;

    public IkeRandom(SecureRandom random) {
        this.random = random;
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A uniformly random part of {@code max} (lifetime jitter, strongSwan's rand_time); zero when it is zero. */
    java.time.Duration below(java.time.Duration max) {
        long ms = max.toMillis();
        return ms <= 0 ? java.time.Duration.ZERO : java.time.Duration.ofMillis(random.nextLong(ms + 1));
    }

    /** A random non-zero 64-bit IKE SPI (§2.6). */
    long ikeSpi() {
        long spi;
        do {
            spi = random.nextLong();
        } while (spi == 0);
        return spi;
    }

    /** Our inbound ESP SPI, outside the reserved range. */
    byte[] espSpi() {
        while (true) {
            byte[] spi = bytes(4);
            if (Integer.compareUnsigned(espSpiValue(spi), MIN_ESP_SPI) >= 0) {
                return spi;
            }
        }
    }

    static int espSpiValue(byte[] spi) {
        try {
            return (int) new WireReader(spi).u32();
        } catch (MalformedMessageException e) {
            throw new IllegalArgumentException("an ESP SPI is 4 octets", e);
        }
    }
}
