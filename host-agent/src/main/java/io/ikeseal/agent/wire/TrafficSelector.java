package io.ikeseal.agent.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One traffic selector (RFC 7296 §3.13.1): an address range, a port range and an IP protocol (0 = any). Checked on
 * decode: the selector length fits its type, start address ≤ end address, and start port ≤ end port except for
 * OPAQUE ports (start 65535, end 0; RFC 4301 §4.4.1.1).
 */
public record TrafficSelector(
        int tsType, int ipProtocol, int startPort, int endPort, byte[] startAddress, byte[] endAddress) {
    public static final int TS_IPV4_ADDR_RANGE = 7;
    public static final int TS_IPV6_ADDR_RANGE = 8;

    public TrafficSelector {
        int alen = addressLength(tsType);
        if (alen < 0 || startAddress.length != alen || endAddress.length != alen) {
            throw new IllegalArgumentException("TS type " + tsType + " with addresses of " + startAddress.length + "/"
                    + endAddress.length + " octets");
        }
        if (ipProtocol < 0
                || ipProtocol > 255
                || startPort < 0
                || startPort > 0xffff
                || endPort < 0
                || endPort > 0xffff) {
            throw new IllegalArgumentException("protocol is an octet, ports two octets");
        }
    }

    public static TrafficSelector of(InetAddress start, InetAddress end, int ipProtocol, int startPort, int endPort) {
        int type = start.getAddress().length == 4 ? TS_IPV4_ADDR_RANGE : TS_IPV6_ADDR_RANGE;
        return new TrafficSelector(type, ipProtocol, startPort, endPort, start.getAddress(), end.getAddress());
    }

    public InetAddress start() {
        return address(startAddress);
    }

    public InetAddress end() {
        return address(endAddress);
    }

    public boolean isOpaquePorts() {
        return startPort == 0xffff && endPort == 0;
    }

    static int addressLength(int type) {
        return switch (type) {
            case TS_IPV4_ADDR_RANGE -> 4;
            case TS_IPV6_ADDR_RANGE -> 16;
            default -> -1;
        };
    }

    int length() {
        return 8 + 2 * startAddress.length;
    }

    void write(WireWriter w) {
        w.u8(tsType)
                .u8(ipProtocol)
                .u16(length())
                .u16(startPort)
                .u16(endPort)
                .bytes(startAddress)
                .bytes(endAddress);
    }

    /**
     * Reads one selector; for a TS Type other than the address ranges skips it (its Selector Length counts the
     * 4-octet header) and returns null, for the caller to ignore it as RFC 7296 §2.9 asks.
     */
    static TrafficSelector read(WireReader in) throws MalformedMessageException {
        int type = in.u8();
        int protocol = in.u8();
        int length = in.u16();
        int alen = addressLength(type);
        if (alen < 0) {
            if (length < 4) {
                throw MalformedMessageException.length(
                        "TS type " + type + " with Selector Length " + length + ", shorter than its header");
            }
            in.skip(length - 4);
            return null;
        }
        if (length != 8 + 2 * alen) {
            throw MalformedMessageException.length(
                    "TS type " + type + " with Selector Length " + length + ", must be " + (8 + 2 * alen));
        }
        WireReader r = in.slice(length - 4);
        int startPort = r.u16();
        int endPort = r.u16();
        byte[] start = r.bytes(alen);
        byte[] end = r.bytes(alen);
        if (startPort > endPort && !(startPort == 0xffff && endPort == 0)) {
            // No values: selectors usually arrive inside SK, and protected plaintext stays out of exception text.
            throw MalformedMessageException.syntax("TS: start port above end port");
        }
        if (Arrays.compareUnsigned(start, end) > 0) {
            throw MalformedMessageException.syntax("TS: start address above end address");
        }
        return new TrafficSelector(type, protocol, startPort, endPort, start, end);
    }

    private static InetAddress address(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // lengths checked in the constructor
        }
    }

    @Override
    public String toString() {
        String ports = isOpaquePorts()
                ? "opaque"
                : startPort == 0 && endPort == 0xffff
                        ? "any"
                        : startPort == endPort ? Integer.toString(startPort) : startPort + "-" + endPort;
        return start().getHostAddress() + ".." + end().getHostAddress() + "[" + (ipProtocol == 0 ? "any" : ipProtocol)
                + "/" + ports + "]";
    }
}
