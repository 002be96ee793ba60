package io.ikeseal.hsm.audit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * Syslog over UDP (RFC 5426): one message per datagram, unconnected, so a collector that is down costs lost datagrams
 * and never an error that stops the mirror. UDP gives no delivery guarantee: the hash-chained file stays the record.
 */
public final class UdpSyslogTarget implements SyslogTarget {
    private final InetSocketAddress collector;
    private final DatagramChannel channel;

    public UdpSyslogTarget(InetSocketAddress collector) throws IOException {
        this.collector = collector;
        this.channel = DatagramChannel.open();
    }

    @Override
    public void send(byte[] message) throws IOException {
        if (channel.send(ByteBuffer.wrap(message), collector) == 0) {
            throw new IOException("no room in the socket's send buffer");
        }
    }

    @Override
    public String describe() {
        return "udp:" + collector.getAddress().getHostAddress() + ":" + collector.getPort();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was pending: datagrams leave on send
        }
    }
}
