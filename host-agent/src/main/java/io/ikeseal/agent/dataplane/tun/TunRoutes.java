package io.ikeseal.agent.dataplane.tun;

import java.io.IOException;
import java.net.InetAddress;

import io.ikeseal.agent.wire.TrafficSelector;

/** Routes into the TUN device for the remote traffic selectors of installed CHILD_SAs. */
public interface TunRoutes extends AutoCloseable {

    /**
     * Routes the address range of {@code remote} (as the fewest CIDR prefixes) into the device; {@code source} is
     * the preferred source address, or null to let the kernel choose. Adding a route that exists is no error.
     */
    void add(TrafficSelector remote, InetAddress source) throws IOException;

    /** Removes what {@link #add} added for {@code remote}; a missing route is no error. */
    void remove(TrafficSelector remote) throws IOException;

    /** Removes every route this object added. */
    @Override
    void close();
}
