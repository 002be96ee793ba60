package io.ikeseal.agent.dataplane.tun;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An address prefix, e.g. 10.0.0.4/30. A traffic selector carries an arbitrary address range (RFC 7296 §3.13.1) but
 * routes take prefixes, so {@link #covering} splits a range into the fewest prefixes that cover exactly it.
 */
public record CidrPrefix(InetAddress address, int length) {

    public CidrPrefix {
        int bits = address.getAddress().length * 8;
        if (length < 0 || length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " for a " + bits + "-bit address");
        }
    }

    /** True for an IPv6 prefix. */
    public boolean isIpv6() {
        return address.getAddress().length == 16;
    }

    /**
     * The fewest prefixes covering exactly {@code start..end} (both inclusive, same family), lowest first: each step
     * takes the largest aligned block that starts at the current address and does not pass the end.
     */
    public static List<CidrPrefix> covering(InetAddress start, InetAddress end) {
        return covering(start.getAddress(), end.getAddress());
    }

    /**
     * As {@link #covering(InetAddress, InetAddress)}, on raw addresses (a traffic selector's octets): 16 octets stay
     * IPv6 even for ::ffff:0:0/96, which InetAddress would turn into IPv4.
     */
    public static List<CidrPrefix> covering(byte[] s, byte[] e) {
        if (s.length != e.length || (s.length != 4 && s.length != 16)) {
            throw new IllegalArgumentException("range mixes IPv4 and IPv6, or is neither");
        }
        int bits = s.length * 8;
        BigInteger from = new BigInteger(1, s);
        BigInteger to = new BigInteger(1, e);
        if (from.compareTo(to) > 0) {
            throw new IllegalArgumentException("range start above its end");
        }
        List<CidrPrefix> out = new ArrayList<>();
        // At most 2 * bits prefixes for any range, so the loop is bounded.
        while (from.compareTo(to) <= 0) {
            int size = from.signum() == 0 ? bits : from.getLowestSetBit(); // log2 of the largest aligned block
            while (from.add(BigInteger.ONE.shiftLeft(size))
                            .subtract(BigInteger.ONE)
                            .compareTo(to)
                    > 0) {
                size--;
            }
            out.add(new CidrPrefix(address(from, s.length), bits - size));
            from = from.add(BigInteger.ONE.shiftLeft(size));
        }
        return List.copyOf(out);
    }

    private static InetAddress address(BigInteger value, int octets) {
        byte[] raw = value.toByteArray(); // big-endian, maybe with a sign octet or shorter than the address
        byte[] a = new byte[octets];
        int copy = Math.min(raw.length, octets);
        System.arraycopy(raw, raw.length - copy, a, octets - copy, copy);
        try {
            // Inet6Address keeps ::ffff:0:0/96 addresses IPv6; InetAddress.getByAddress would make them IPv4.
            return octets == 16 ? Inet6Address.getByAddress(null, a, null) : InetAddress.getByAddress(a);
        } catch (UnknownHostException ex) {
            throw new IllegalStateException(ex); // 4 or 16 octets by construction
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
