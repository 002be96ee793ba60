package io.ikeseal.agent.transport;

import io.netty.channel.socket.DatagramPacket;

/**
 * The data-plane hook: UDP-encapsulated ESP packets (RFC 3948 §2.1) that arrived on the NAT-T port. Until ikeseal
 * has a data plane, {@link #dropping(DropCounters)} counts and drops them.
 *
 * <p>Called on a Netty event loop: an implementation must not block. It owns the packet (content from the ESP SPI
 * on, sender and recipient as received) and must release it.
 */
@FunctionalInterface
public interface EspSink {

    void receive(DatagramPacket esp);

    /** No data plane: count {@link DropReason#ESP_NO_DATA_PLANE} and drop. */
    static EspSink dropping(DropCounters counters) {
        return esp -> {
            counters.count(DropReason.ESP_NO_DATA_PLANE);
            esp.release();
        };
    }
}
