package io.ikeseal.agent.ts;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * A selector as a box of three closed intervals (address × protocol × port), where set algebra is interval algebra.
 * Protocol 0 ("any", RFC 7296 §3.13.1) is the interval 0..255. Ports live on 0..65536, where 65536 stands for
 * OPAQUE: RFC 7296 §3.13.1 says "ANY" ports (0..65535 on the wire) include OPAQUE, so ANY is 0..65536, OPAQUE is
 * 65536..65536, and any other wire range a..b is just a..b. Boxes come out of subtraction that no selector can
 * express (0..65535 without OPAQUE, protocols 3..5); {@link #toSelector()} says which ones a selector can.
 */
record Box(
        AddressFamily family,
        BigInteger addressLow,
        BigInteger addressHigh,
        int protocolLow,
        int protocolHigh,
        int portLow,
        int portHigh) {
    static final int OPAQUE = 0x10000;

    static Box of(Selector s) {
        int pLo = s.protocol() == IpProtocol.ANY ? 0 : s.protocol();
        int pHi = s.protocol() == IpProtocol.ANY ? 0xff : s.protocol();
        int oLo;
        int oHi;
        if (s.isOpaquePorts()) {
            oLo = OPAQUE;
            oHi = OPAQUE;
        } else if (s.isAnyPort()) {
            oLo = 0;
            oHi = OPAQUE;
        } else {
            oLo = s.startPort();
            oHi = s.endPort();
        }
        return new Box(s.family(), s.start(), s.end(), pLo, pHi, oLo, oHi);
    }

    /** The selector of exactly this set, or null when no selector expresses it. */
    Selector toSelector() {
        int protocol;
        if (protocolLow == 0 && protocolHigh == 0xff) {
            protocol = IpProtocol.ANY;
        } else if (protocolLow == protocolHigh && protocolLow != 0) {
            protocol = protocolLow;
        } else {
            return null;
        }
        int sp;
        int ep;
        if (portLow == 0 && portHigh == OPAQUE) {
            sp = 0;
            ep = 0xffff;
        } else if (portLow == OPAQUE) {
            sp = 0xffff;
            ep = 0;
        } else if (portHigh < OPAQUE && !(portLow == 0 && portHigh == 0xffff)) {
            sp = portLow;
            ep = portHigh;
        } else {
            return null; // includes some OPAQUE-less "all ports", which the wire cannot say
        }
        return new Selector(family, addressLow, addressHigh, protocol, sp, ep);
    }

    /** The common part, or null when there is none (always none across families). */
    Box intersect(Box o) {
        if (family != o.family) {
            return null;
        }
        BigInteger aLo = addressLow.max(o.addressLow);
        BigInteger aHi = addressHigh.min(o.addressHigh);
        int pLo = Math.max(protocolLow, o.protocolLow);
        int pHi = Math.min(protocolHigh, o.protocolHigh);
        int oLo = Math.max(portLow, o.portLow);
        int oHi = Math.min(portHigh, o.portHigh);
        if (aLo.compareTo(aHi) > 0 || pLo > pHi || oLo > oHi) {
            return null;
        }
        return new Box(family, aLo, aHi, pLo, pHi, oLo, oHi);
    }

    boolean contains(Box o) {
        return family == o.family
                && addressLow.compareTo(o.addressLow) <= 0
                && addressHigh.compareTo(o.addressHigh) >= 0
                && protocolLow <= o.protocolLow
                && protocolHigh >= o.protocolHigh
                && portLow <= o.portLow
                && portHigh >= o.portHigh;
    }

    /** This box without {@code o}: at most six disjoint boxes, cut first along addresses, then protocol, then port. */
    List<Box> minus(Box o) {
        Box common = intersect(o);
        if (common == null) {
            return List.of(this);
        }
        List<Box> out = new ArrayList<>(6);
        if (addressLow.compareTo(common.addressLow) < 0) {
            out.add(withAddresses(addressLow, common.addressLow.subtract(BigInteger.ONE)));
        }
        if (addressHigh.compareTo(common.addressHigh) > 0) {
            out.add(withAddresses(common.addressHigh.add(BigInteger.ONE), addressHigh));
        }
        Box middle = withAddresses(common.addressLow, common.addressHigh);
        if (protocolLow < common.protocolLow) {
            out.add(middle.withProtocols(protocolLow, common.protocolLow - 1));
        }
        if (protocolHigh > common.protocolHigh) {
            out.add(middle.withProtocols(common.protocolHigh + 1, protocolHigh));
        }
        Box core = middle.withProtocols(common.protocolLow, common.protocolHigh);
        if (portLow < common.portLow) {
            out.add(core.withPorts(portLow, common.portLow - 1));
        }
        if (portHigh > common.portHigh) {
            out.add(core.withPorts(common.portHigh + 1, portHigh));
        }
        return out;
    }

    /**
     * The union when it is itself a box (one contains the other, or both agree on two intervals and the third ones
     * overlap or touch), else null.
     */
    Box union(Box o) {
        if (contains(o)) {
            return this;
        }
        if (o.contains(this)) {
            return o;
        }
        if (family != o.family) {
            return null;
        }
        boolean sameAddresses = addressLow.equals(o.addressLow) && addressHigh.equals(o.addressHigh);
        boolean sameProtocols = protocolLow == o.protocolLow && protocolHigh == o.protocolHigh;
        boolean samePorts = portLow == o.portLow && portHigh == o.portHigh;
        if (sameProtocols && samePorts && touch(addressLow, addressHigh, o.addressLow, o.addressHigh)) {
            return withAddresses(addressLow.min(o.addressLow), addressHigh.max(o.addressHigh));
        }
        if (sameAddresses && sameProtocols && portLow <= o.portHigh + 1 && o.portLow <= portHigh + 1) {
            return withPorts(Math.min(portLow, o.portLow), Math.max(portHigh, o.portHigh));
        }
        if (sameAddresses && samePorts && protocolLow <= o.protocolHigh + 1 && o.protocolLow <= protocolHigh + 1) {
            return withProtocols(Math.min(protocolLow, o.protocolLow), Math.max(protocolHigh, o.protocolHigh));
        }
        return null;
    }

    private static boolean touch(BigInteger lo1, BigInteger hi1, BigInteger lo2, BigInteger hi2) {
        return lo1.compareTo(hi2.add(BigInteger.ONE)) <= 0 && lo2.compareTo(hi1.add(BigInteger.ONE)) <= 0;
    }

    private Box withAddresses(BigInteger lo, BigInteger hi) {
        return new Box(family, lo, hi, protocolLow, protocolHigh, portLow, portHigh);
    }

    private Box withProtocols(int lo, int hi) {
        return new Box(family, addressLow, addressHigh, lo, hi, portLow, portHigh);
    }

    private Box withPorts(int lo, int hi) {
        return new Box(family, addressLow, addressHigh, protocolLow, protocolHigh, lo, hi);
    }
}
