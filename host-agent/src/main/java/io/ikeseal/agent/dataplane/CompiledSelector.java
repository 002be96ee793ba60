package io.ikeseal.agent.dataplane;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import io.ikeseal.agent.wire.TrafficSelector;

/**
 * A traffic selector (RFC 7296 §3.13.1) in the form a packet is matched against without allocating: the address
 * range as unsigned 128-bit bounds in two longs each, the protocol (0 = any) and the ports on 0..65536, where 65536
 * is {@link InnerPacket#OPAQUE}: ANY ports (0..65535 on the wire) admit OPAQUE too, OPAQUE (65535..0) admits only
 * OPAQUE (RFC 4301 §4.4.1.1).
 */
record CompiledSelector(
        int version, long lowHigh, long lowLow, long highHigh, long highLow, int protocol, int portLow, int portHigh) {

    static CompiledSelector of(TrafficSelector ts) {
        int version = ts.tsType() == TrafficSelector.TS_IPV4_ADDR_RANGE ? 4 : 6;
        int portLow;
        int portHigh;
        if (ts.isOpaquePorts()) {
            portLow = InnerPacket.OPAQUE;
            portHigh = InnerPacket.OPAQUE;
        } else if (ts.startPort() == 0 && ts.endPort() == 0xffff) {
            portLow = 0;
            portHigh = InnerPacket.OPAQUE;
        } else {
            portLow = ts.startPort();
            portHigh = ts.endPort();
        }
        ByteBuffer start = padded(ts.startAddress());
        ByteBuffer end = padded(ts.endAddress());
        return new CompiledSelector(
                version,
                start.getLong(0),
                start.getLong(8),
                end.getLong(0),
                end.getLong(8),
                ts.ipProtocol(),
                portLow,
                portHigh);
    }

    private static ByteBuffer padded(byte[] address) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.position(16 - address.length);
        b.put(address);
        return b;
    }

    /** Whether this selector admits a packet's address, protocol and port on the side this selector describes. */
    boolean admits(int packetVersion, long addressHigh, long addressLow, int packetProtocol, int port) {
        return packetVersion == version
                && (protocol == 0 || protocol == packetProtocol)
                && port >= portLow
                && port <= portHigh
                && compare(addressHigh, addressLow, lowHigh, lowLow) >= 0
                && compare(addressHigh, addressLow, highHigh, highLow) <= 0;
    }

    /** Whether the address lies in this selector's range, for the route's preferred source. */
    boolean containsAddress(InetAddress address) {
        byte[] a = address.getAddress();
        int v = a.length == 4 ? 4 : 6;
        ByteBuffer b = padded(a);
        return v == version
                && compare(b.getLong(0), b.getLong(8), lowHigh, lowLow) >= 0
                && compare(b.getLong(0), b.getLong(8), highHigh, highLow) <= 0;
    }

    /** The address range alone: what a route into the TUN device is for. */
    AddressRange addressRange() {
        return new AddressRange(version, lowHigh, lowLow, highHigh, highLow);
    }

    private static int compare(long aHigh, long aLow, long bHigh, long bLow) {
        int c = Long.compareUnsigned(aHigh, bHigh);
        return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
    }

    /** An address range, compared by value: routes are shared by the SAs whose remote selectors have it. */
    record AddressRange(int version, long lowHigh, long lowLow, long highHigh, long highLow) {}
}
