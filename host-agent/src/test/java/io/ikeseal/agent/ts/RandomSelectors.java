package io.ikeseal.agent.ts;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * Random selectors on a small grid, and an independent oracle: which packets (address, protocol, port or "no port
 * available") a selector matches, written from RFC 7296 §3.13.1 directly rather than through the code under test.
 * Addresses lie in 16 addresses of each family (or span the whole family), ports end in 0..10 (or are ANY or
 * OPAQUE), protocols are any or one of four; the grid of packets holds one packet of every cell these boundaries
 * make, so comparing matched grid packets compares the sets exactly.
 */
final class RandomSelectors {
    static final BigInteger V4_BASE = BigInteger.valueOf(0x0a000000L); // 10.0.0.0
    static final BigInteger V6_BASE = new BigInteger("20010db8000000000000000000000000", 16); // 2001:db8::
    private static final int[] PROTOCOLS = {IpProtocol.TCP, IpProtocol.UDP, IpProtocol.ICMP, IpProtocol.IPV6_ICMP};
    private static final int[] GRID_PROTOCOLS = {1, 6, 17, 58, 50};
    private static final int OPAQUE = -1;

    /** One packet as a selector sees it; {@code port} is OPAQUE when the packet has none available. */
    record Packet(AddressFamily family, BigInteger address, int protocol, int port) {}

    static final List<Packet> GRID = grid();

    final Random rnd;

    RandomSelectors(long seed) {
        rnd = new Random(seed);
    }

    Selector selector() {
        return selector(rnd.nextInt(10) < 7 ? AddressFamily.IPV4 : AddressFamily.IPV6);
    }

    Selector selector(AddressFamily f) {
        BigInteger base = f == AddressFamily.IPV4 ? V4_BASE : V6_BASE;
        BigInteger lo;
        BigInteger hi;
        int shape = rnd.nextInt(10);
        if (shape == 0) {
            lo = BigInteger.ZERO;
            hi = f.maxAddress();
        } else {
            int a = rnd.nextInt(16);
            int b = shape == 1 ? a : rnd.nextInt(16);
            lo = base.add(BigInteger.valueOf(Math.min(a, b)));
            hi = base.add(BigInteger.valueOf(Math.max(a, b)));
        }
        int protocol = rnd.nextInt(10) < 4 ? IpProtocol.ANY : PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
        int sp;
        int ep;
        int ports = rnd.nextInt(20);
        if (ports < 8) {
            sp = 0;
            ep = 0xffff;
        } else if (ports < 11) {
            sp = 0xffff;
            ep = 0;
        } else {
            int a = rnd.nextInt(11);
            int b = rnd.nextInt(11);
            sp = Math.min(a, b);
            ep = Math.max(a, b);
        }
        return new Selector(f, lo, hi, protocol, sp, ep);
    }

    /** A selector as policies tend to be: wide addresses, mostly any protocol and port. */
    Selector broad(AddressFamily f) {
        BigInteger base = f == AddressFamily.IPV4 ? V4_BASE : V6_BASE;
        BigInteger lo;
        BigInteger hi;
        if (rnd.nextInt(3) == 0) {
            lo = BigInteger.ZERO;
            hi = f.maxAddress();
        } else {
            lo = base.add(BigInteger.valueOf(rnd.nextInt(5)));
            hi = base.add(BigInteger.valueOf(11 + rnd.nextInt(5)));
        }
        int protocol = rnd.nextInt(10) < 7 ? IpProtocol.ANY : PROTOCOLS[rnd.nextInt(PROTOCOLS.length)];
        boolean anyPort = rnd.nextInt(10) < 8;
        return new Selector(f, lo, hi, protocol, anyPort ? 0 : rnd.nextInt(3), anyPort ? 0xffff : 8 + rnd.nextInt(3));
    }

    /** The selector of one packet (§2.9's "very specific Traffic Selector"): an address, a protocol, a port. */
    Selector packet(AddressFamily f) {
        BigInteger a = (f == AddressFamily.IPV4 ? V4_BASE : V6_BASE).add(BigInteger.valueOf(rnd.nextInt(16)));
        int protocol = rnd.nextBoolean() ? IpProtocol.TCP : IpProtocol.UDP;
        int port = rnd.nextInt(11);
        return new Selector(f, a, a, protocol, port, port);
    }

    /** A proposal of 1..3 selectors a side, half the time led by a triggering packet's selectors. */
    TsPair proposal() {
        TsPair p = new TsPair(list(1, 3), list(1, 3));
        if (rnd.nextBoolean()) {
            AddressFamily f = rnd.nextInt(10) < 7 ? AddressFamily.IPV4 : AddressFamily.IPV6;
            p = p.withFirst(packet(f), packet(f));
        }
        return p;
    }

    /** A policy of 1..3 selectors a side, each broad or not. */
    TsPolicy policy() {
        return new TsPolicy(policySide(), policySide());
    }

    private List<Selector> policySide() {
        List<Selector> out = new ArrayList<>();
        for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            AddressFamily f = rnd.nextInt(10) < 7 ? AddressFamily.IPV4 : AddressFamily.IPV6;
            out.add(rnd.nextBoolean() ? broad(f) : selector(f));
        }
        return out;
    }

    /** A selector anywhere: random addresses over the whole family, any protocol, any ports. For notation. */
    Selector wild() {
        AddressFamily f = rnd.nextBoolean() ? AddressFamily.IPV4 : AddressFamily.IPV6;
        BigInteger a = new BigInteger(f.bits(), rnd);
        BigInteger b;
        int shape = rnd.nextInt(3);
        if (shape == 0) { // a prefix
            int len = rnd.nextInt(f.bits() + 1);
            BigInteger host = BigInteger.ONE.shiftLeft(f.bits() - len).subtract(BigInteger.ONE);
            a = a.andNot(host);
            b = a.or(host);
        } else if (shape == 1) {
            b = a;
        } else {
            b = new BigInteger(f.bits(), rnd);
            if (a.compareTo(b) > 0) {
                BigInteger t = a;
                a = b;
                b = t;
            }
        }
        int protocol = rnd.nextInt(256);
        if (f == AddressFamily.IPV6 && protocol == IpProtocol.ICMP) {
            protocol = IpProtocol.IPV6_ICMP;
        } else if (f == AddressFamily.IPV4 && protocol == IpProtocol.IPV6_ICMP) {
            protocol = IpProtocol.ICMP;
        }
        int sp = 0;
        int ep = 0xffff;
        if (IpProtocol.portKind(protocol) != IpProtocol.PortKind.NONE) {
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    sp = 0xffff;
                    ep = 0;
                }
                case 1 -> {
                    sp = rnd.nextInt(0x10000);
                    ep = sp + rnd.nextInt(0x10000 - sp);
                }
                default -> {}
            }
        }
        return new Selector(f, a, b, protocol, sp, ep);
    }

    List<Selector> list(int min, int max) {
        int n = min + rnd.nextInt(max - min + 1);
        List<Selector> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(selector());
        }
        return out;
    }

    /** §3.13.1 read directly: protocol 0 is any; ports 0..65535 are ANY, including a packet without ports. */
    static boolean matches(Selector s, Packet p) {
        if (s.family() != p.family
                || s.start().compareTo(p.address) > 0
                || s.end().compareTo(p.address) < 0) {
            return false;
        }
        if (s.protocol() != 0 && s.protocol() != p.protocol) {
            return false;
        }
        if (s.startPort() == 0 && s.endPort() == 0xffff) {
            return true;
        }
        if (s.startPort() == 0xffff && s.endPort() == 0) {
            return p.port == OPAQUE;
        }
        return p.port != OPAQUE && s.startPort() <= p.port && p.port <= s.endPort();
    }

    /** The grid packets a set (a union) matches. */
    static BitSet packets(List<Selector> set) {
        BitSet out = new BitSet(GRID.size());
        for (int i = 0; i < GRID.size(); i++) {
            for (Selector s : set) {
                if (matches(s, GRID.get(i))) {
                    out.set(i);
                    break;
                }
            }
        }
        return out;
    }

    static BitSet packets(Selector s) {
        return packets(List.of(s));
    }

    static boolean subset(BitSet a, BitSet b) {
        BitSet t = (BitSet) a.clone();
        t.andNot(b);
        return t.isEmpty();
    }

    static BitSet and(BitSet a, BitSet b) {
        BitSet t = (BitSet) a.clone();
        t.and(b);
        return t;
    }

    static BitSet ofFamily(BitSet set, AddressFamily f) {
        BitSet t = new BitSet(GRID.size());
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
            if (GRID.get(i).family == f) {
                t.set(i);
            }
        }
        return t;
    }

    private static List<Packet> grid() {
        List<Packet> g = new ArrayList<>();
        for (AddressFamily f : AddressFamily.values()) {
            BigInteger base = f == AddressFamily.IPV4 ? V4_BASE : V6_BASE;
            for (int a = -1; a <= 16; a++) {
                for (int protocol : GRID_PROTOCOLS) {
                    for (int port = 0; port <= 11; port++) {
                        g.add(new Packet(f, base.add(BigInteger.valueOf(a)), protocol, port));
                    }
                    g.add(new Packet(f, base.add(BigInteger.valueOf(a)), protocol, 0xffff));
                    g.add(new Packet(f, base.add(BigInteger.valueOf(a)), protocol, OPAQUE));
                }
            }
        }
        return List.copyOf(g);
    }
}
