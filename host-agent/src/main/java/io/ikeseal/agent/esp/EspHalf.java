package io.ikeseal.agent.esp;

/**
 * What both halves of a CHILD_SA's ESP share: the SPI, the transform holding the keys, the packet and inner-octet
 * counters (written by the one thread that seals or opens, read by others for {@code traffic()}), and destruction.
 */
abstract class EspHalf {
    /** The arrays a half copies packets through start at this size and grow to the largest packet seen. */
    static final int INITIAL = 2048;

    final EspTransform transform;
    private final int spi;
    private volatile long packets;
    private volatile long octets;
    private boolean destroyed;

    EspHalf(EspTransform transform, int spi) {
        this.transform = transform;
        this.spi = spi;
    }

    public int spi() {
        return spi;
    }

    public long packets() {
        return packets;
    }

    public long octets() {
        return octets;
    }

    /** One more packet of {@code inner} octets; called by the half's only writer thread. */
    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer; volatile only so that readers see whole values
    final void count(int inner) {
        packets++;
        octets += inner;
    }

    final void checkUsable() {
        if (destroyed) {
            throw new IllegalStateException("the ESP SA was destroyed");
        }
    }

    /** Zeroes the key octets; the half refuses to work from then on. */
    public void destroy() {
        destroyed = true;
        transform.destroy();
    }
}
