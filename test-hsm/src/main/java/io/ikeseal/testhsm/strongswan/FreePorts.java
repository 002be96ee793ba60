package io.ikeseal.testhsm.strongswan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Distinct UDP ports that are free right now on the wildcard address, which is where charon's
 * socket-default binds. Another process may take one before charon binds it; {@link Charon}
 * notices ("unable to bind socket") and starts again on new ports.
 */
final class FreePorts {
    private FreePorts() {}

    static int[] udp(int count) {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                DatagramSocket s = new DatagramSocket(0); // all held at once, so the ports differ
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free UDP ports", e);
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }
}
