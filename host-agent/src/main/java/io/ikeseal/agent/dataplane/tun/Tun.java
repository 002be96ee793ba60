package io.ikeseal.agent.dataplane.tun;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One queue of a TUN device (IFF_TUN | IFF_NO_PI): whole IP packets in and out, no link header. Reads block; a
 * closed queue returns -1 from {@link #read}.
 */
public interface Tun extends AutoCloseable {

    /** The device's name, e.g. "ikeseal0". */
    String name();

    /**
     * Blocks until the kernel routes a packet into the device, then reads it into {@code into} from its position;
     * the limit ends the packet.
     *
     * @return the packet's length, or -1 once the queue is closed
     */
    int read(ByteBuffer into) throws IOException;

    /**
     * Reads a packet only if one is waiting already, without blocking: lets a reader send a burst with one flush.
     *
     * @return the packet's length, 0 when none is waiting (always, unless the queue can tell), or -1 once closed
     */
    default int readWaiting(ByteBuffer into) throws IOException {
        return 0;
    }

    /** Hands the IP packet between {@code packet}'s position and limit to the kernel, as if it had arrived. */
    void write(ByteBuffer packet) throws IOException;

    @Override
    void close();
}
