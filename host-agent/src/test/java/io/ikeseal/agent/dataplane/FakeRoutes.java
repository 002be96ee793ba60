package io.ikeseal.agent.dataplane;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ikeseal.agent.dataplane.tun.TunRoutes;
import io.ikeseal.agent.wire.TrafficSelector;

/** Routes as a list of their selectors' text. */
final class FakeRoutes implements TunRoutes {
    final List<String> routes = new CopyOnWriteArrayList<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public void add(TrafficSelector remote, InetAddress source) {
        routes.add(remote.toString());
        log.add("add " + remote);
    }

    @Override
    public void remove(TrafficSelector remote) {
        routes.remove(remote.toString());
        log.add("remove " + remote);
    }

    @Override
    public void close() {
        routes.clear();
        closed = true;
    }
}
