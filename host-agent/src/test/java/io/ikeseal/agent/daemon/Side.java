package io.ikeseal.agent.daemon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.RecordingInstaller;
import io.ikeseal.agent.transport.DropCounters;

/**
 * One end of a scenario: a running daemon, the events it reported, the CHILD_SAs it installed, and (test-only) copies
 * of their keys to compare with the other end's.
 */
record Side(String name, IkeDaemon daemon, EventRecorder events, RecordingInstaller installer, CapturingInstaller keys)
        implements AutoCloseable {

    int port() {
        return daemon.ikePort();
    }

    InetAddress address() {
        return daemon.transport().sockets().getFirst().localAddress().getAddress();
    }

    /** Our IKE socket, as a peer names it. */
    InetSocketAddress ike() {
        return new InetSocketAddress(address(), port());
    }

    /** How the audit records of the other end name this one: "address:port" of its IKE socket. */
    String asPeer() {
        return address().getHostAddress() + ":" + port();
    }

    DropCounters counters() {
        return daemon.counters();
    }

    /** IKE SAs registered under one of our SPIs (established, half-open or lingering after close). */
    int spis() {
        return daemon.gateway().registeredSpis();
    }

    int halfOpen() {
        return daemon.gateway().halfOpenCount();
    }

    CompletableFuture<IkeSaInfo> initiate(String connection) {
        return daemon.initiate(connection);
    }

    @Override
    public void close() {
        daemon.close();
    }

    @Override
    public String toString() {
        return name + " " + ike();
    }
}
