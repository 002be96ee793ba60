package io.ikeseal.agent.dataplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.DataPlaneConfig;
import io.ikeseal.agent.dataplane.tun.Tun;
import io.ikeseal.agent.dataplane.tun.TunRoutes;
import io.ikeseal.agent.esp.EspDrop;
import io.ikeseal.agent.esp.EspOpener;
import io.ikeseal.agent.esp.EspSealer;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.ChildSaTraffic;
import io.ikeseal.agent.transport.EspOutput;
import io.ikeseal.agent.transport.EspSink;
import io.ikeseal.agent.wire.TrafficSelector;

/**
 * ESP in userspace over a TUN device (docs/data-plane.md). Outbound, one platform thread per TUN queue reads IP
 * packets, finds their CHILD_SA in the SPD, seals them (RFC 4303 §3.1) and sends them UDP-encapsulated from the
 * NAT-T socket (RFC 3948). Inbound, the transport's event loop hands over ESP datagrams, which are opened under the
 * SA of their SPI, checked against that SA's selectors (RFC 4301 §5.2) and written to the TUN device. Every packet
 * that goes no further is a counted drop ({@link #counters()}); none throws.
 */
public final class UserspaceDataPlane implements ChildSaInstaller, EspSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UserspaceDataPlane.class);

    /** Enough for any IP packet a TUN queue or a UDP datagram can carry. */
    private static final int PACKET_CAPACITY = 65_536;

    /** More than any transform adds to a packet: header, IV, padding, trailer, ICV. */
    private static final int SEAL_ROOM = 512;

    private static final int IPV4_IN_ESP = 4;
    private static final int IPV6_IN_ESP = 41;
    private static final long JOIN_MILLIS = 2_000;
    private static final long READ_FAILURE_PAUSE_MILLIS = 10;
    /** Packets a reader seals before it flushes, however many more are waiting. */
    private static final int BURST = 64;

    private final DataPlaneConfig config;
    private final List<Tun> queues;
    private final TunRoutes routes;
    private final EspOutput output;
    private final EspHalves halves;
    private final DataPlaneCounters counters = new DataPlaneCounters();
    private final Spd<InstalledSa> spd = new Spd<>();
    private final SpiTable<InstalledSa> inbound = new SpiTable<>();
    private final Map<CompiledSelector.AddressRange, RouteUse> routeUses = new HashMap<>(); // guarded by this
    private final List<Thread> readers = new ArrayList<>(); // guarded by this
    private final ThreadLocal<InboundScratch> inboundScratch = ThreadLocal.withInitial(InboundScratch::new);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean loggedFailure = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * A data plane over the TUN device's queues (it reads every queue, writes inbound packets to the first and
     * closes them all on {@link #close()}), the device's routes and the transport's ESP output.
     */
    public UserspaceDataPlane(DataPlaneConfig config, List<Tun> queues, TunRoutes routes, EspOutput output) {
        this(config, queues, routes, output, EspHalves.TRANSFORMS);
    }

    UserspaceDataPlane(DataPlaneConfig config, List<Tun> queues, TunRoutes routes, EspOutput output, EspHalves halves) {
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("a data plane needs at least one TUN queue");
        }
        this.config = config;
        this.queues = List.copyOf(queues);
        this.routes = routes;
        this.output = output;
        this.halves = halves;
    }

    /** Starts one reader thread per TUN queue, "esp-out-N"; once. */
    public synchronized void start() { // synchronized with close(): no reader starts after it
        if (closed || !started.compareAndSet(false, true)) {
            return;
        }
        for (int i = 0; i < queues.size(); i++) {
            Tun tun = queues.get(i);
            Thread t = Thread.ofPlatform().daemon().name("esp-out-" + i).unstarted(() -> readLoop(tun));
            readers.add(t);
            t.start();
        }
    }

    /** Drops so far, by reason. */
    public DataPlaneCounters counters() {
        return counters;
    }

    // ---- installer (called on an IKE SA's executor) ----

    @Override
    public void install(ChildSaRecord sa, ChildSaKeys keys) {
        if (sa.mode() != ChildSaMode.TUNNEL) {
            throw new IllegalArgumentException("the userspace data plane carries tunnel mode only, not "
                    + sa.mode().configName() + " mode");
        }
        if (closed) {
            throw new IllegalStateException("the data plane is closed");
        }
        List<CompiledSelector[]> pairs = selectorPairs(sa);
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no local and remote traffic selector of one address family");
        }
        EspSealer sealer = halves.sealer(sa, keys);
        EspOpener opener;
        try {
            opener = halves.opener(sa, keys, config.replayWindow());
        } catch (RuntimeException e) {
            sealer.destroy();
            throw e;
        }
        InstalledSa installed = new InstalledSa(sa, sealer, opener, pairs);
        synchronized (this) {
            if (closed) {
                installed.destroy();
                throw new IllegalStateException("the data plane is closed");
            }
            if (inbound.get(sa.inboundSpi()) != null) {
                installed.destroy();
                throw new IllegalStateException(
                        String.format("inbound SPI %08x is installed already", sa.inboundSpi()));
            }
            try {
                addRoutes(sa);
            } catch (IOException e) {
                installed.destroy();
                throw new UncheckedIOException("routes into " + queues.get(0).name() + " failed", e);
            }
            inbound.put(sa.inboundSpi(), installed);
            spd.addFirst(installed.policies());
        }
        LOG.info("CHILD_SA carries traffic (userspace data plane): {}", sa.describe());
        for (TrafficSelector r : sa.remoteTs()) {
            if (CompiledSelector.of(r).containsAddress(sa.remote().getAddress())) {
                // Its route would send our own IKE and ESP datagrams to the peer into the TUN (docs/data-plane.md).
                LOG.warn(
                        "CHILD_SA {} of {}: remote selector {} contains the peer's address; its datagrams may loop "
                                + "through the TUN device",
                        sa.name(),
                        sa.connection(),
                        r);
            }
        }
        if (!sa.udpEncapsulation()) {
            // This data plane has no raw ESP (IP protocol 50): a peer that expects it will not accept what we send.
            LOG.warn(
                    "CHILD_SA {} of {} was negotiated without UDP encapsulation, but this data plane sends ESP only in UDP "
                            + "(RFC 3948)",
                    sa.name(),
                    sa.connection());
        }
    }

    @Override
    public void remove(ChildSaRecord sa) {
        InstalledSa installed;
        synchronized (this) {
            installed = inbound.get(sa.inboundSpi());
            if (installed == null || installed.record().outboundSpi() != sa.outboundSpi()) {
                return;
            }
            inbound.remove(sa.inboundSpi());
            spd.remove(installed);
            releaseRoutes(installed.record());
        }
        installed.destroy();
        LOG.info("CHILD_SA removed from the userspace data plane: {}", sa.describe());
    }

    @Override
    public ChildSaTraffic traffic(ChildSaRecord sa) {
        InstalledSa installed = inbound.get(sa.inboundSpi());
        if (installed == null || installed.record().outboundSpi() != sa.outboundSpi()) {
            return ChildSaTraffic.NONE;
        }
        return installed.traffic();
    }

    /** Every pair of a local and a remote selector of one family: the SA's SPD entries. */
    private static List<CompiledSelector[]> selectorPairs(ChildSaRecord sa) {
        List<CompiledSelector[]> pairs = new ArrayList<>();
        for (TrafficSelector l : sa.localTs()) {
            for (TrafficSelector r : sa.remoteTs()) {
                if (l.tsType() == r.tsType()) {
                    pairs.add(new CompiledSelector[] {CompiledSelector.of(l), CompiledSelector.of(r)});
                }
            }
        }
        return pairs;
    }

    // ---- routes: one per remote address range, shared by the SAs that have it (a rekey has two) ----

    private static final class RouteUse {
        final TrafficSelector selector;
        int users;

        RouteUse(TrafficSelector selector) {
            this.selector = selector;
        }
    }

    private void addRoutes(ChildSaRecord sa) throws IOException {
        List<CompiledSelector.AddressRange> added = new ArrayList<>();
        try {
            for (TrafficSelector r : sa.remoteTs()) {
                CompiledSelector.AddressRange range = CompiledSelector.of(r).addressRange();
                RouteUse use = routeUses.get(range);
                if (use == null) {
                    routes.add(r, localSource(sa, r.tsType()));
                    use = new RouteUse(r);
                    routeUses.put(range, use);
                }
                use.users++;
                added.add(range);
            }
        } catch (IOException | RuntimeException e) {
            for (CompiledSelector.AddressRange range : added) {
                release(range);
            }
            throw e;
        }
    }

    private void releaseRoutes(ChildSaRecord sa) {
        for (TrafficSelector r : sa.remoteTs()) {
            release(CompiledSelector.of(r).addressRange());
        }
    }

    private void release(CompiledSelector.AddressRange range) {
        RouteUse use = routeUses.get(range);
        if (use == null || --use.users > 0) {
            return;
        }
        routeUses.remove(range);
        try {
            routes.remove(use.selector);
        } catch (IOException | RuntimeException e) {
            LOG.warn("removing the route for {} failed: {}", use.selector, e.toString());
        }
    }

    /** An address of this host inside one of the SA's local selectors of that family, or null (the kernel picks). */
    private static InetAddress localSource(ChildSaRecord sa, int tsType) {
        List<CompiledSelector> locals = new ArrayList<>();
        for (TrafficSelector l : sa.localTs()) {
            if (l.tsType() == tsType) {
                locals.add(CompiledSelector.of(l));
            }
        }
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a.isLinkLocalAddress()) {
                        continue;
                    }
                    for (CompiledSelector l : locals) {
                        if (l.containsAddress(a)) {
                            // Without the interface's scope ("%ikeseal0"), which `ip route ... src` refuses.
                            return InetAddress.getByAddress(a.getAddress());
                        }
                    }
                }
            }
        } catch (SocketException | UnknownHostException e) {
            LOG.warn("cannot list this host's addresses for a route's source: {}", e.toString());
        }
        return null;
    }

    // ---- outbound: a reader thread per TUN queue ----

    private void readLoop(Tun tun) {
        ByteBuffer in = ByteBuffer.allocateDirect(PACKET_CAPACITY);
        ByteBuffer sealed = ByteBuffer.allocateDirect(PACKET_CAPACITY + SEAL_ROOM);
        InnerPacket packet = new InnerPacket();
        boolean reported = false;
        while (!closed) {
            int n;
            try {
                in.clear();
                n = tun.read(in);
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    break;
                }
                if (!reported) {
                    reported = true;
                    LOG.warn("reading TUN queue of {} failed, retrying until closed: {}", tun.name(), e.toString());
                }
                pause();
                continue;
            }
            if (n < 0) {
                break;
            }
            // Then what else is waiting, up to a burst: sent with one flush, which wakes the event loop once and lets
            // it send the burst with one sendmmsg(2) instead of a wake-up and a send per packet.
            int burst = 0;
            while (n > 0) {
                sealAndWrite(in, n, packet, sealed);
                if (++burst == BURST) {
                    break;
                }
                try {
                    in.clear();
                    n = tun.readWaiting(in);
                } catch (IOException | RuntimeException e) {
                    n = 0; // the blocking read above reports it
                }
            }
            output.flush();
        }
    }

    private void sealAndWrite(ByteBuffer in, int n, InnerPacket packet, ByteBuffer sealed) {
        try {
            in.limit(n).position(0);
            outbound(in, packet, sealed);
        } catch (RuntimeException e) {
            counters.countInternalError();
            logFailureOnce("sealing", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(READ_FAILURE_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void outbound(ByteBuffer in, InnerPacket packet, ByteBuffer sealed) {
        if (in.remaining() > config.mtu()) {
            counters.count(EspDrop.TOO_BIG);
            return;
        }
        if (!packet.parse(in)) {
            counters.count(EspDrop.MALFORMED_INNER);
            return;
        }
        in.limit(in.position() + packet.length);
        InstalledSa sa = spd.lookup(packet);
        if (sa == null) {
            counters.count(EspDrop.NO_OUTBOUND_SA);
            return;
        }
        sealed.clear();
        if (sealed.remaining() < in.remaining() + sa.maxOverhead()) {
            counters.count(EspDrop.TOO_BIG);
            return;
        }
        int verdict = sa.seal(in, packet.version == 4 ? IPV4_IN_ESP : IPV6_IN_ESP, sealed);
        if (verdict < 0) {
            counters.countCode(verdict);
            return;
        }
        sealed.flip();
        ChildSaRecord record = sa.record();
        if (!output.send(sealed, record.local(), record.remote())) {
            counters.countUnsent();
        }
    }

    // ---- inbound: the transport's event loop ----

    /** What one event loop thread reuses for every inbound packet. */
    private static final class InboundScratch {
        final ByteBuffer esp = ByteBuffer.allocateDirect(PACKET_CAPACITY);
        final ByteBuffer plain = ByteBuffer.allocateDirect(PACKET_CAPACITY);
        final InnerPacket packet = new InnerPacket();
    }

    @Override
    public void receive(DatagramPacket esp) {
        try {
            inbound(esp.content());
        } catch (RuntimeException e) {
            counters.countInternalError();
            logFailureOnce("opening", e);
        } finally {
            esp.release();
        }
    }

    private void inbound(ByteBuf content) {
        int length = content.readableBytes();
        if (length < 8) {
            counters.count(EspDrop.TRUNCATED);
            return;
        }
        InstalledSa sa = inbound.get(content.getInt(content.readerIndex()));
        if (sa == null) {
            counters.count(EspDrop.UNKNOWN_SPI);
            return;
        }
        if (length > PACKET_CAPACITY) {
            counters.count(EspDrop.TOO_BIG);
            return;
        }
        InboundScratch scratch = inboundScratch.get();
        // Copied into this thread's buffer rather than viewed in place: a view of a pooled buffer is allocated anew.
        ByteBuffer esp = scratch.esp;
        esp.clear().limit(length);
        content.getBytes(content.readerIndex(), esp); // fills esp up to its limit
        esp.flip();
        ByteBuffer plain = scratch.plain;
        plain.clear();
        int nextHeader = sa.open(esp, plain);
        if (nextHeader < 0) {
            counters.countCode(nextHeader);
            return;
        }
        plain.position(0);
        if (nextHeader != IPV4_IN_ESP && nextHeader != IPV6_IN_ESP) {
            counters.count(EspDrop.BAD_NEXT_HEADER);
            return;
        }
        InnerPacket packet = scratch.packet;
        if (!packet.parse(plain)) {
            counters.count(EspDrop.MALFORMED_INNER);
            return;
        }
        if ((nextHeader == IPV4_IN_ESP) != (packet.version == 4)) {
            counters.count(EspDrop.BAD_NEXT_HEADER);
            return;
        }
        if (!sa.admitsInbound(packet)) {
            counters.count(EspDrop.POLICY_MISMATCH);
            return;
        }
        plain.limit(packet.length); // without TFC padding (RFC 4303 §2.7)
        try {
            queues.get(0).write(plain);
        } catch (IOException e) {
            counters.countTunWriteFailure();
            logFailureOnce("writing to the TUN device", e);
        }
    }

    private void logFailureOnce(String what, Exception e) {
        if (loggedFailure.compareAndSet(false, true)) {
            // The exception's class and message only: no packet octets, no keys (counted from now on, not logged).
            LOG.warn("data plane: {} a packet failed ({}); further failures are only counted", what, e.toString());
        }
    }

    // ---- shutdown ----

    /** Stops the readers (by closing the TUN queues), zeroes every SA's keys and removes the routes; idempotent. */
    @Override
    public void close() {
        List<InstalledSa> all;
        List<Thread> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = List.copyOf(readers);
            all = inbound.values();
            inbound.clear();
            spd.clear();
            routeUses.clear();
        }
        for (Tun tun : queues) {
            try {
                tun.close();
            } catch (RuntimeException e) {
                LOG.warn("closing TUN queue of {} failed: {}", tun.name(), e.toString());
            }
        }
        for (Thread t : running) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                LOG.warn("{} did not stop within {} ms", t.getName(), JOIN_MILLIS);
            }
        }
        for (InstalledSa sa : all) {
            sa.destroy();
        }
        try {
            routes.close();
        } catch (RuntimeException e) {
            LOG.warn("removing the TUN routes failed: {}", e.toString());
        }
        LOG.info("userspace data plane closed; {} SAs removed; drops: {}", all.size(), counters.describe());
    }

    /** Whether a reader thread still runs: after {@link #close()}, none should. */
    synchronized boolean readersAlive() {
        return readers.stream().anyMatch(Thread::isAlive);
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }
}
