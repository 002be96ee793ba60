package io.ikeseal.agent.esp;

import java.nio.ByteBuffer;

/**
 * The inbound half of a CHILD_SA's ESP (RFC 4303 §3.4): checks the sequence number against the anti-replay window,
 * verifies the ICV before anything else is trusted, decrypts, checks the padding, and only then advances the
 * window. One thread opens at a time.
 */
public interface EspOpener {

    /** Our SPI: the peer sends ESP with it. */
    int spi();

    /**
     * Opens the ESP packet between {@code esp}'s position (its SPI) and limit, writing the inner packet into
     * {@code plain} from its position; on success {@code plain}'s limit ends the inner packet. {@code plain} needs
     * as many octets as the ESP packet.
     *
     * @return the Next Header (0..255) on success, otherwise {@link EspDrop#code()} of why the packet was dropped
     */
    int open(ByteBuffer esp, ByteBuffer plain);

    /** Packets accepted so far. */
    long packets();

    /** Inner octets accepted so far. */
    long octets();

    /** Zeroes the host-side key octets; later calls fail. */
    void destroy();
}
