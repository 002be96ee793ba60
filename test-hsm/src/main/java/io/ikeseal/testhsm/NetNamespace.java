package io.ikeseal.testhsm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace a test creates and removes ({@code ip netns}): its own interfaces, addresses, routes and
 * ports, so tests that carry traffic never touch the host's network. {@link #close()} kills what still runs inside
 * and deletes it. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN); fails loudly otherwise.
 */
public final class NetNamespace implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private final String name;

    private NetNamespace(String name) {
        this.name = name;
    }

    /** A new namespace named {@code prefix-<pid>-<n>} with its loopback up. */
    public static NetNamespace create(String prefix) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        ip("netns", "add", name);
        NetNamespace ns = new NetNamespace(name);
        ns.run(DebianTools.ip().toString(), "link", "set", "lo", "up");
        return ns;
    }

    public String name() {
        return name;
    }

    /** {@code command} prefixed with {@code ip netns exec <name>}, for a ProcessBuilder. */
    public List<String> wrap(List<String> command) {
        List<String> c = new ArrayList<>(List.of(DebianTools.ip().toString(), "netns", "exec", name));
        c.addAll(command);
        return c;
    }

    /** Runs {@code command} inside (30 s at most); returns stdout, fails with stderr on a non-zero exit. */
    public String run(String... command) {
        return Subprocess.run(wrap(List.of(command)), Map.of());
    }

    /** Runs {@code ip <args>} inside. */
    public String ipInside(String... args) {
        List<String> c = new ArrayList<>(List.of(DebianTools.ip().toString()));
        c.addAll(List.of(args));
        return run(c.toArray(String[]::new));
    }

    /**
     * Joins {@code a} and {@code b} with a veth pair: {@code addressA} (CIDR, e.g. "192.168.77.1/24") on a's end,
     * {@code addressB} on b's, both up. The pair goes when either namespace is deleted.
     */
    public static void veth(NetNamespace a, String addressA, NetNamespace b, String addressB) {
        String stem = "v" + ProcessHandle.current().pid() % 100000 + "x" + SEQUENCE.incrementAndGet();
        String ifA = stem + "a";
        String ifB = stem + "b";
        ip("link", "add", ifA, "netns", a.name, "type", "veth", "peer", "name", ifB, "netns", b.name);
        a.ipInside("addr", "add", addressA, "dev", ifA);
        a.ipInside("link", "set", ifA, "up");
        b.ipInside("addr", "add", addressB, "dev", ifB);
        b.ipInside("link", "set", ifB, "up");
    }

    /** Kills the processes still inside (SIGKILL), then deletes the namespace. */
    @Override
    public void close() {
        ip("netns", "pids", name)
                .lines()
                .map(String::strip)
                .filter(pid -> !pid.isEmpty())
                .forEach(pid -> ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly));
        ip("netns", "del", name);
    }

    private static String ip(String... args) {
        List<String> c = new ArrayList<>(List.of(DebianTools.ip().toString()));
        c.addAll(List.of(args));
        return Subprocess.run(c, Map.of());
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
