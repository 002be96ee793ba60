package io.ikeseal.agent.transport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** A bare UDP socket as a peer, to put exact octets on the wire and read exact octets back (bounded waits). */
final class Peer implements AutoCloseable {
    private final DatagramSocket socket;

    Peer(InetAddress address) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(address, 0));
        socket.setSoTimeout((int) (LoopbackSide.WAIT_SECONDS * 1000));
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void send(byte[] payload, InetSocketAddress to) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, to));
    }

    /** The next datagram's payload; fails with SocketTimeoutException after the bounded wait. */
    byte[] receive() throws IOException {
        byte[] buf = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }

    /**
     * {@code n} distinct UDP ports free on both 127.0.0.1 and ::1 right now, as the kernel hands them out (high,
     * ephemeral ports). Bounded: gives up after a few tries.
     */
    static int[] freePorts(int n) throws IOException {
        int[] out = new int[n];
        int found = 0;
        for (int attempt = 0; attempt < 20 * n && found < n; attempt++) {
            try (DatagramSocket v4 = new DatagramSocket(new InetSocketAddress(LoopbackSide.V4, 0))) {
                int port = v4.getLocalPort();
                try (DatagramSocket _ = new DatagramSocket(new InetSocketAddress(LoopbackSide.V6, port))) {
                    if (found == 0 || out[found - 1] != port) {
                        out[found++] = port;
                    }
                } catch (IOException inUseOnV6) {
                    // try another
                }
            }
        }
        if (found < n) {
            throw new IOException("no " + n + " ports free on both loopback addresses");
        }
        return out;
    }

    @Override
    public void close() {
        socket.close();
    }
}
