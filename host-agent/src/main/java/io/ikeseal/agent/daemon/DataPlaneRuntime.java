package io.ikeseal.agent.daemon;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.DataPlaneConfig;
import io.ikeseal.agent.dataplane.DataPlaneCounters;
import io.ikeseal.agent.dataplane.UserspaceDataPlane;
import io.ikeseal.agent.dataplane.tun.TunDevice;
import io.ikeseal.agent.transport.EspOutput;

/**
 * The userspace data plane of a running daemon (docs/data-plane.md): its TUN device and the plane that installs
 * CHILD_SAs and carries their ESP. Opened before the transport (the plane is the gateway's installer and the
 * transport's ESP sink), started once the transport is bound, closed after the SAs are deleted.
 */
final class DataPlaneRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlaneRuntime.class);
    private final TunDevice tun;
    private final UserspaceDataPlane plane;
    private final DeferredEspOutput output;

    private DataPlaneRuntime(TunDevice tun, UserspaceDataPlane plane, DeferredEspOutput output) {
        this.tun = tun;
        this.plane = plane;
        this.output = output;
    }

    /** Opens the TUN device (needs CAP_NET_ADMIN) and builds the plane over it. */
    static DataPlaneRuntime open(DataPlaneConfig config) throws IOException {
        TunDevice tun = TunDevice.open(config.tunName(), config.mtu(), config.queues());
        DeferredEspOutput output = new DeferredEspOutput();
        try {
            return new DataPlaneRuntime(
                    tun, new UserspaceDataPlane(config, tun.queues(), tun.routes(), output), output);
        } catch (RuntimeException e) {
            tun.close();
            throw e;
        }
    }

    UserspaceDataPlane plane() {
        return plane;
    }

    /** Sends through the bound transport from now on, and starts reading the TUN device. */
    void start(EspOutput transportOutput) {
        output.attach(transportOutput);
        plane.start();
        LOG.info(
                "userspace data plane on TUN {} ({} queue(s))",
                tun.name(),
                tun.queues().size());
    }

    DataPlaneCounters counters() {
        return plane.counters();
    }

    @Override
    public void close() {
        plane.close();
        tun.close();
    }
}
