package io.ikeseal.agent.dataplane.tun;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.wire.TrafficSelector;

/**
 * Routes into one TUN device through iproute2: {@code ip [-6] route replace PREFIX dev NAME [src S]} for each prefix
 * of a remote traffic selector's range, {@code ip [-6] route del} when its last user goes. Two CHILD_SAs may route the
 * same prefix (a rekey overlaps old and new SA; RFC 7296 §2.8), so each prefix is counted and stays while one user
 * remains.
 */
public final class IpRoutes implements TunRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(IpRoutes.class);

    private final String device;
    private final IpCommand ip;
    private final Map<CidrPrefix, Integer> users = new LinkedHashMap<>();
    private boolean closed;

    /** Routes into {@code device} with the system's {@code ip}. */
    public IpRoutes(String device) {
        this(device, IpCommand.system());
    }

    IpRoutes(String device, IpCommand ip) {
        this.device = device;
        this.ip = ip;
    }

    @Override
    public synchronized void add(TrafficSelector remote, InetAddress source) throws IOException {
        if (closed) {
            throw new IOException("routes of TUN " + device + " are closed");
        }
        List<CidrPrefix> prefixes = CidrPrefix.covering(remote.startAddress(), remote.endAddress());
        List<CidrPrefix> added = new ArrayList<>();
        try {
            for (CidrPrefix p : prefixes) {
                int count = users.getOrDefault(p, 0);
                if (count == 0) {
                    ip.run(command(p, "replace", source));
                }
                users.put(p, count + 1);
                added.add(p);
            }
        } catch (IOException e) {
            for (CidrPrefix p : added) { // all or nothing: undo this call's share
                release(p);
            }
            throw e;
        }
    }

    @Override
    public synchronized void remove(TrafficSelector remote) throws IOException {
        IOException first = null;
        for (CidrPrefix p : CidrPrefix.covering(remote.startAddress(), remote.endAddress())) {
            try {
                release(p);
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The prefixes routed now and how many selectors use each; for tests and status output. */
    public synchronized Map<CidrPrefix, Integer> routed() {
        return Map.copyOf(users);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (CidrPrefix p : users.keySet()) {
            try {
                ip.run(command(p, "del", null));
            } catch (IOException e) {
                // The device may be gone already, and its routes with it.
                LOG.debug("route {} via {} not removed: {}", p, device, e.getMessage());
            }
        }
        users.clear();
    }

    private void release(CidrPrefix p) throws IOException {
        Integer count = users.get(p);
        if (count == null) {
            return; // a missing route is no error
        }
        if (count > 1) {
            users.put(p, count - 1);
            return;
        }
        users.remove(p);
        try {
            ip.run(command(p, "del", null));
        } catch (IOException e) {
            if (!e.getMessage().contains("No such process")) { // RTNETLINK's answer for a route already gone
                throw e;
            }
        }
    }

    private List<String> command(CidrPrefix p, String verb, InetAddress source) {
        List<String> c = new ArrayList<>(List.of(p.isIpv6() ? "-6" : "-4", "route", verb, p.toString(), "dev", device));
        if (source != null) {
            c.add("src");
            c.add(source.getHostAddress());
        }
        return c;
    }
}
