package io.ikeseal.agent.dataplane.tun;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TUN device (Linux Documentation/networking/tuntap.rst) opened through FFM: one {@code /dev/net/tun} descriptor per
 * queue, attached with {@code ioctl(TUNSETIFF)} as IFF_TUN | IFF_NO_PI (plus IFF_MULTI_QUEUE for several queues), its
 * MTU set and link brought up with iproute2. The device is not persistent: the kernel removes it, with its addresses
 * and routes, when the last queue closes. Needs CAP_NET_ADMIN.
 */
public final class TunDevice implements AutoCloseable {
    /** IFNAMSIZ is 16 octets including the terminating NUL (linux/if.h). */
    static final int MAX_NAME_OCTETS = 15;

    /** IPv4's minimum MTU (RFC 791) up to the largest IP packet a TUN device takes. */
    static final int MIN_MTU = 68;

    static final int MAX_MTU = 65535;
    static final int MAX_QUEUES = 16;

    private static final long TUNSETIFF = 0x400454caL; // _IOW('T', 202, int)
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_MULTI_QUEUE = 0x0100;
    private static final short IFF_NO_PI = 0x1000;
    /** struct ifreq: char ifr_name[16], then a union whose first member for TUNSETIFF is short ifr_flags; 40 octets. */
    private static final long IFREQ_SIZE = 40;

    private final String name;
    private final List<Tun> queues;
    private final IpRoutes routes;
    private final IpCommand ip;

    /** The device's transmit queue in packets (the kernel's default is 500). */
    static final String TX_QUEUE_LENGTH = "2000";

    private TunDevice(String name, List<Tun> queues, IpCommand ip) {
        this.name = name;
        this.queues = List.copyOf(queues);
        this.ip = ip;
        this.routes = new IpRoutes(name, ip);
    }

    /**
     * Creates device {@code name} with {@code queues} queues, sets its MTU and brings it up.
     *
     * @throws IllegalArgumentException for a name the kernel cannot take (empty, over 15 octets, '/', ':' or
     *     whitespace), an MTU outside 68..65535 or a queue count outside 1..16
     * @throws IOException when the kernel or {@code ip} refuses, with errno text or ip's exit code and stderr
     */
    public static TunDevice open(String name, int mtu, int queues) throws IOException {
        return open(name, mtu, queues, IpCommand.system());
    }

    static TunDevice open(String name, int mtu, int queues, IpCommand ip) throws IOException {
        byte[] raw = checkName(name);
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " is outside " + MIN_MTU + ".." + MAX_MTU);
        }
        if (queues < 1 || queues > MAX_QUEUES) {
            throw new IllegalArgumentException("queue count " + queues + " is outside 1.." + MAX_QUEUES);
        }
        short flags = (short) (IFF_TUN | IFF_NO_PI | (queues > 1 ? IFF_MULTI_QUEUE : 0));
        List<Tun> opened = new ArrayList<>();
        try {
            for (int i = 0; i < queues; i++) {
                opened.add(attach(name, raw, flags));
            }
            // A longer transmit queue than the default 500: a reader that falls behind for a moment (a GC, a busy
            // core) then delays packets instead of dropping them, which TCP through the tunnel takes far better.
            ip.run(List.of(
                    "link", "set", "dev", name, "mtu", Integer.toString(mtu), "txqueuelen", TX_QUEUE_LENGTH, "up"));
        } catch (IOException | RuntimeException e) {
            opened.forEach(Tun::close);
            throw e;
        }
        return new TunDevice(name, opened, ip);
    }

    private static Tun attach(String name, byte[] raw, short flags) throws IOException {
        Libc.Scratch s = Libc.Scratch.get();
        try (Arena arena = Arena.ofConfined()) {
            int fd = Libc.open(s, arena.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_CLOEXEC | Libc.O_NONBLOCK);
            if (fd < 0) {
                throw Libc.failure("cannot open /dev/net/tun", s.errno());
            }
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8); // zeroed, so the name is NUL-terminated
            MemorySegment.copy(raw, 0, ifreq, ValueLayout.JAVA_BYTE, 0, raw.length);
            ifreq.set(ValueLayout.JAVA_SHORT, 16, flags);
            if (Libc.ioctl(s, fd, TUNSETIFF, ifreq) < 0) {
                int errno = s.errno();
                Libc.close(s, fd);
                throw Libc.failure("cannot attach TUN " + name + " (TUNSETIFF)", errno);
            }
            int wake = Libc.eventfd(s, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
            if (wake < 0) {
                int errno = s.errno();
                Libc.close(s, fd);
                throw Libc.failure("cannot create an eventfd for TUN " + name, errno);
            }
            return new TunQueue(name, fd, wake);
        }
    }

    private static byte[] checkName(String name) {
        byte[] raw = name.getBytes(StandardCharsets.UTF_8);
        if (raw.length == 0 || raw.length > MAX_NAME_OCTETS) {
            throw new IllegalArgumentException(
                    "TUN name must have 1.." + MAX_NAME_OCTETS + " octets (IFNAMSIZ), not " + raw.length);
        }
        // The kernel's dev_valid_name: no '/', ':' or whitespace, not "." or "..".
        if (name.equals(".") || name.equals("..") || name.chars().anyMatch(c -> c == '/' || c == ':' || c <= ' ')) {
            throw new IllegalArgumentException("TUN name contains '/', ':' or whitespace, or is '.' or '..'");
        }
        return raw;
    }

    public String name() {
        return name;
    }

    /** One Tun per queue, in the order opened; each takes one reader thread. */
    public List<Tun> queues() {
        return queues;
    }

    /** The routes into this device; closed with it. */
    public TunRoutes routes() {
        return routes;
    }

    /** Adds {@code address}/{@code prefixLength} to the device (IPv6 without duplicate address detection). */
    public void addAddress(InetAddress address, int prefixLength) throws IOException {
        String cidr = new CidrPrefix(address, prefixLength).address().getHostAddress() + "/" + prefixLength;
        if (address.getAddress().length == 16) {
            ip.run(List.of("-6", "addr", "add", cidr, "dev", name, "nodad"));
        } else {
            ip.run(List.of("-4", "addr", "add", cidr, "dev", name));
        }
    }

    /** Removes the routes, then closes every queue; the kernel deletes the device with its last descriptor. */
    @Override
    public void close() {
        routes.close();
        queues.forEach(Tun::close);
    }

    @Override
    public String toString() {
        return "TUN " + name + " (" + queues.size() + " queue" + (queues.size() == 1 ? ")" : "s)");
    }
}
