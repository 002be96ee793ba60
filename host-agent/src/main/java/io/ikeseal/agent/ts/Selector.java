package io.ikeseal.agent.ts;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

import io.ikeseal.agent.wire.TrafficSelector;

/**
 * One traffic selector (RFC 7296 §3.13.1) as a value: an address range of one family, an IP protocol (0 = any)
 * and a port range. Ports 0..65535 are "ANY", which includes "OPAQUE"; OPAQUE alone is start 65535, end 0. For ICMP
 * and ICMPv6 the port fields hold Type (high octet) and Code (low octet). Equal selectors are equal records;
 * {@link #toString()} is the selector notation of {@link SelectorNotation}.
 *
 * @param start the first address as an unsigned number
 * @param end   the last address, {@code >= start}
 */
public record Selector(
        AddressFamily family, BigInteger start, BigInteger end, int protocol, int startPort, int endPort) {
    public static final int ANY_START_PORT = 0;
    public static final int ANY_END_PORT = 0xffff;
    public static final int OPAQUE_START_PORT = 0xffff;
    public static final int OPAQUE_END_PORT = 0;

    public Selector {
        Objects.requireNonNull(family, "family");
        if (start.signum() < 0 || end.compareTo(family.maxAddress()) > 0 || start.compareTo(end) > 0) {
            throw new IllegalArgumentException("not an " + family + " address range: " + start + ".." + end);
        }
        checkProtocolAndPorts(protocol, startPort, endPort);
    }

    /** The checks §3.13.1 puts on the protocol and port fields of every selector. */
    static void checkProtocolAndPorts(int protocol, int startPort, int endPort) {
        if (protocol < 0 || protocol > 0xff) {
            throw new IllegalArgumentException("IP protocol " + protocol + " is not an octet");
        }
        if (startPort < 0 || startPort > 0xffff || endPort < 0 || endPort > 0xffff) {
            throw new IllegalArgumentException("port " + startPort + ".." + endPort + " is not two octets");
        }
        if (startPort > endPort && !(startPort == OPAQUE_START_PORT && endPort == OPAQUE_END_PORT)) {
            throw new IllegalArgumentException("start port " + startPort + " above end port " + endPort);
        }
    }

    public static Selector of(InetAddress start, InetAddress end, int protocol, int startPort, int endPort) {
        AddressFamily f = AddressFamily.ofLength(start.getAddress().length);
        if (end.getAddress().length != f.octets()) {
            throw new IllegalArgumentException("a range's ends are of one family: " + start + ", " + end);
        }
        return new Selector(
                f, f.toNumber(start.getAddress()), f.toNumber(end.getAddress()), protocol, startPort, endPort);
    }

    /** One address, any protocol, any port. */
    public static Selector host(InetAddress address) {
        return host(address, IpProtocol.ANY, ANY_START_PORT, ANY_END_PORT);
    }

    public static Selector host(InetAddress address, int protocol, int startPort, int endPort) {
        return of(address, address, protocol, startPort, endPort);
    }

    /** Every address of a family, any protocol and port: 0.0.0.0/0 or ::/0. */
    public static Selector all(AddressFamily family) {
        return new Selector(family, BigInteger.ZERO, family.maxAddress(), IpProtocol.ANY, ANY_START_PORT, ANY_END_PORT);
    }

    /**
     * The selector of a decoded wire selector.
     *
     * @throws IllegalArgumentException for a TS Type other than the two address ranges
     */
    public static Selector fromWire(TrafficSelector ts) {
        AddressFamily f = AddressFamily.ofTsType(ts.tsType());
        if (f == null) {
            throw new IllegalArgumentException("TS type " + ts.tsType() + " is not an address range");
        }
        return new Selector(
                f,
                f.toNumber(ts.startAddress()),
                f.toNumber(ts.endAddress()),
                ts.ipProtocol(),
                ts.startPort(),
                ts.endPort());
    }

    public TrafficSelector toWire() {
        return new TrafficSelector(
                family.tsType(), protocol, startPort, endPort, family.toOctets(start), family.toOctets(end));
    }

    public InetAddress startAddress() {
        return address(start);
    }

    public InetAddress endAddress() {
        return address(end);
    }

    public boolean isOpaquePorts() {
        return startPort == OPAQUE_START_PORT && endPort == OPAQUE_END_PORT;
    }

    /** Ports 0..65535: every port, and OPAQUE too (§3.13.1). */
    public boolean isAnyPort() {
        return startPort == ANY_START_PORT && endPort == ANY_END_PORT;
    }

    public boolean isAnyProtocol() {
        return protocol == IpProtocol.ANY;
    }

    /** One address. */
    public boolean isHost() {
        return start.equals(end);
    }

    /** The traffic both selectors match, if any; selectors of different families have none. */
    public Optional<Selector> intersect(Selector other) {
        Box common = Box.of(this).intersect(Box.of(other));
        // The intersection of two expressible boxes is expressible: each interval is ANY, OPAQUE or a plain range.
        return common == null ? Optional.empty() : Optional.of(common.toSelector());
    }

    /** Whether every packet {@code other} matches, this one matches too. */
    public boolean contains(Selector other) {
        return Box.of(this).contains(Box.of(other));
    }

    private InetAddress address(BigInteger n) {
        try {
            return InetAddress.getByAddress(family.toOctets(n));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // the length is always 4 or 16
        }
    }

    @Override
    public String toString() {
        return SelectorNotation.format(this);
    }
}
