package io.ikeseal.testhsm;

import java.util.ArrayList;
import java.util.List;

/**
 * Two sites for tunnel tests, each a {@link NetNamespace}: their gateways joined by a veth pair (192.168.77.1/24 on
 * the left, .2 on the right: the "internet"), and behind each a protected host address on its loopback (10.1.0.1 in
 * 10.1.0.0/24 on the left, 10.2.0.1 in 10.2.0.0/24 on the right). Without a tunnel the protected addresses cannot
 * reach each other: neither namespace has a route to the other's subnet until a gateway installs one. {@link
 * #close()} removes both namespaces and everything still running inside.
 */
public final class TwoSites implements AutoCloseable {
    public static final String LEFT_OUTER = "192.168.77.1";
    public static final String RIGHT_OUTER = "192.168.77.2";
    public static final String LEFT_HOST = "10.1.0.1";
    public static final String RIGHT_HOST = "10.2.0.1";
    public static final String LEFT_SUBNET = "10.1.0.0/24";
    public static final String RIGHT_SUBNET = "10.2.0.0/24";

    private final NetNamespace left;
    private final NetNamespace right;

    private TwoSites(NetNamespace left, NetNamespace right) {
        this.left = left;
        this.right = right;
    }

    /** Creates both namespaces ({@code prefix-l-...}, {@code prefix-r-...}), the veth and the host addresses. */
    public static TwoSites create(String prefix) {
        List<NetNamespace> made = new ArrayList<>(2);
        try {
            NetNamespace l = NetNamespace.create(prefix + "-l");
            made.add(l);
            NetNamespace r = NetNamespace.create(prefix + "-r");
            made.add(r);
            NetNamespace.veth(l, LEFT_OUTER + "/24", r, RIGHT_OUTER + "/24");
            // /32 on lo: a /24 there would make the whole subnet local to this namespace
            l.ipInside("addr", "add", LEFT_HOST + "/32", "dev", "lo");
            r.ipInside("addr", "add", RIGHT_HOST + "/32", "dev", "lo");
            return new TwoSites(l, r);
        } catch (RuntimeException | Error e) {
            made.forEach(NetNamespace::close);
            throw e;
        }
    }

    public NetNamespace left() {
        return left;
    }

    public NetNamespace right() {
        return right;
    }

    /**
     * {@code ping -c count -i 0.2 -W 2 -I from to} inside {@code ns}; returns its output, fails (with it) unless every
     * echo was answered.
     */
    public static String ping(NetNamespace ns, String from, String to, int count) {
        return ns.run(
                DebianTools.ping().toString(),
                "-n",
                "-c",
                Integer.toString(count),
                "-i",
                "0.2",
                "-W",
                "2",
                "-I",
                from,
                to);
    }

    /** Whether a single echo from {@code from} to {@code to} inside {@code ns} is answered within a second. */
    public static boolean answers(NetNamespace ns, String from, String to) {
        try {
            ns.run(DebianTools.ping().toString(), "-n", "-c", "1", "-W", "1", "-I", from, to);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            left.close();
        } finally {
            right.close();
        }
    }

    @Override
    public String toString() {
        return "sites " + left.name() + " | " + right.name();
    }
}
