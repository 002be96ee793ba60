package io.ikeseal.agent.dataplane;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Inner IP packets for tests: headers as RFC 791 and RFC 8200 lay them out, a payload of counting octets. */
final class Packets {
    static final int ICMP = 1;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int GRE = 47;
    static final int ICMPV6 = 58;

    private Packets() {}

    static byte[] address(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress(); // literals only
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An IPv4 packet; for TCP/UDP the first four payload octets are the ports, for ICMP type and code. */
    static byte[] ipv4(String src, String dst, int protocol, int sourcePort, int destinationPort, int payload) {
        int l4 = l4Length(protocol, payload);
        ByteBuffer b = ByteBuffer.allocate(20 + l4);
        b.put((byte) 0x45)
                .put((byte) 0)
                .putShort((short) (20 + l4))
                .putShort((short) 0x1234)
                .putShort((short) 0x4000);
        b.put((byte) 64)
                .put((byte) protocol)
                .putShort((short) 0)
                .put(address(src))
                .put(address(dst));
        l4(b, protocol, sourcePort, destinationPort, payload);
        return b.array();
    }

    /** An IPv6 packet laid out like {@link #ipv4}. */
    static byte[] ipv6(String src, String dst, int protocol, int sourcePort, int destinationPort, int payload) {
        int l4 = l4Length(protocol, payload);
        ByteBuffer b = ByteBuffer.allocate(40 + l4);
        b.putInt(0x6000_0000).putShort((short) l4).put((byte) protocol).put((byte) 64);
        b.put(address(src)).put(address(dst));
        l4(b, protocol, sourcePort, destinationPort, payload);
        return b.array();
    }

    private static int l4Length(int protocol, int payload) {
        return switch (protocol) {
            case TCP -> 20 + payload;
            case UDP -> 8 + payload;
            case ICMP, ICMPV6 -> 8 + payload;
            default -> payload;
        };
    }

    private static void l4(ByteBuffer b, int protocol, int sourcePort, int destinationPort, int payload) {
        switch (protocol) {
            case TCP ->
                b.putShort((short) sourcePort).putShort((short) destinationPort).put(new byte[16]);
            case UDP ->
                b.putShort((short) sourcePort)
                        .putShort((short) destinationPort)
                        .putShort((short) (8 + payload))
                        .putShort((short) 0);
            case ICMP, ICMPV6 ->
                b.put((byte) sourcePort).put((byte) destinationPort).put(new byte[6]);
            default -> {}
        }
        for (int i = 0; i < payload; i++) {
            b.put((byte) i);
        }
    }
}
