package io.ikeseal.agent.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP side of the daemon: binds every configured address on the IKE port and on the NAT-T port, IPv4 and
 * IPv6, with native epoll when Netty can load it and NIO otherwise, and runs each datagram through the shared
 * handlers ({@link NatTFramer}, {@link IkeDatagramDecoder}, {@link IkeDispatcher}, {@link UnprotectedResponder},
 * {@link IkeDatagramEncoder}). Inbound messages reach SAs through the {@link IkeSpiTable} and new ones the
 * {@link IkeSaInitListener}; SAs send through {@link IkeSender}s from {@link #socket}. Close it to release the
 * ports; {@link #close()} waits a bounded time.
 */
public final class IkeTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IkeTransport.class);
    /** Larger than any UDP payload (65,527 octets over IPv6): a datagram is never cut short on receive. */
    static final int RECEIVE_ALLOCATION = 65_536;

    private static final long BIND_TIMEOUT_SECONDS = 10;
    private static final long CLOSE_TIMEOUT_SECONDS = 5;

    private final EventLoopGroup group;
    private final boolean epoll;
    private final List<IkeSocket> sockets;
    private final DropCounters counters;

    private IkeTransport(EventLoopGroup group, boolean epoll, List<IkeSocket> sockets, DropCounters counters) {
        this.group = group;
        this.epoll = epoll;
        this.sockets = List.copyOf(sockets);
        this.counters = counters;
    }

    /**
     * Starts with its own counters, no data plane (ESP on the NAT-T port is counted and dropped) and no send barrier
     * (for senders that carry no token results).
     */
    public static IkeTransport start(TransportConfig config, IkeSpiTable spis, IkeSaInitListener initListener)
            throws IOException {
        DropCounters counters = new DropCounters();
        return start(config, spis, initListener, counters, EspSink.dropping(counters));
    }

    /** As the six-argument start, without a send barrier (for senders that carry no token results). */
    public static IkeTransport start(
            TransportConfig config,
            IkeSpiTable spis,
            IkeSaInitListener initListener,
            DropCounters counters,
            EspSink esp)
            throws IOException {
        return start(config, spis, initListener, counters, esp, SendBarrier.NONE);
    }

    /**
     * Binds all sockets or none: if one address cannot be bound, those already bound are closed and the
     * BindException names the address and port. Every IKE message any of its senders sends waits for
     * {@code barrier} (the daemon's: the audit log's, docs/audit.md).
     */
    public static IkeTransport start(
            TransportConfig config,
            IkeSpiTable spis,
            IkeSaInitListener initListener,
            DropCounters counters,
            EspSink esp,
            SendBarrier barrier)
            throws IOException {
        boolean epoll = config.preferEpoll() && Epoll.isAvailable();
        if (epoll) {
            LOG.info("IKE transport: native epoll");
        } else if (config.preferEpoll()) {
            LOG.info("IKE transport: NIO (epoll unavailable: {})", String.valueOf(Epoll.unavailabilityCause()));
        } else {
            LOG.info("IKE transport: NIO (configured)");
        }
        DefaultThreadFactory threads = new DefaultThreadFactory("ike-udp", true);
        EventLoopGroup group = epoll
                ? new EpollEventLoopGroup(config.eventLoopThreads(), threads)
                : new NioEventLoopGroup(config.eventLoopThreads(), threads);
        IkeHandlers handlers = new IkeHandlers(
                counters,
                esp,
                spis,
                initListener,
                new TokenBucket(config.answersPerSecond(), config.answerBurst()),
                config.answerInvalidIkeSpi(),
                config.limits(),
                barrier);
        List<IkeSocket> bound = new ArrayList<>();
        try {
            for (InetAddress address : config.addresses()) {
                // NAT-T first: the IKE port's socket offers it to initiators that float (RFC 7296 §2.23).
                IkeSocket natT = bind(
                        group,
                        epoll,
                        handlers,
                        config,
                        new InetSocketAddress(address, config.natTPort()),
                        true,
                        null,
                        barrier);
                bound.add(natT);
                bound.add(
                        bound.size() - 1,
                        bind(
                                group,
                                epoll,
                                handlers,
                                config,
                                new InetSocketAddress(address, config.ikePort()),
                                false,
                                natT,
                                barrier));
            }
        } catch (IOException | RuntimeException e) {
            new IkeTransport(group, epoll, bound, counters).close();
            throw e;
        }
        IkeTransport transport = new IkeTransport(group, epoll, bound, counters);
        LOG.info("IKE transport listening on {}", transport.sockets);
        return transport;
    }

    private static IkeSocket bind(
            EventLoopGroup group,
            boolean epoll,
            IkeHandlers handlers,
            TransportConfig config,
            InetSocketAddress local,
            boolean natT,
            IkeSocket natTSibling,
            SendBarrier barrier)
            throws IOException {
        // IKE behind the non-ESP marker on the NAT-T port (RFC 3948 §2.2), and on the IKE port when configured so.
        boolean framed = natT || config.frameIkePort();
        InternetProtocolFamily family =
                local.getAddress() instanceof Inet6Address ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4;
        Bootstrap b = new Bootstrap()
                .group(group)
                .channelFactory(() -> epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family))
                // No SO_REUSEADDR: UDP has no TIME_WAIT to skip, and on Linux it would let a second daemon (or a
                // running charon) share port 500 silently, each getting part of the traffic.
                .option(ChannelOption.SO_REUSEADDR, false)
                .option(ChannelOption.SO_RCVBUF, config.receiveBufferBytes())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(RECEIVE_ALLOCATION))
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        handlers.install(ch.pipeline(), framed);
                    }
                });
        ChannelFuture f = b.bind(local);
        if (!f.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            f.cancel(false);
            throw new BindException("binding " + local + " timed out");
        }
        if (!f.isSuccess()) {
            BindException e = new BindException("cannot bind UDP " + local + (natT ? " (NAT-T)" : " (IKE)") + ": "
                    + f.cause().getMessage());
            e.initCause(f.cause());
            throw e;
        }
        Channel ch = f.channel();
        return new IkeSocket(ch, (InetSocketAddress) ch.localAddress(), natT, framed, natTSibling, barrier);
    }

    /** Every bound socket, in configuration order: per address its IKE port, then its NAT-T port. */
    public List<IkeSocket> sockets() {
        return sockets;
    }

    /** The socket bound to {@code address} on the IKE port or on the NAT-T port. */
    public Optional<IkeSocket> socket(InetAddress address, boolean natT) {
        for (IkeSocket s : sockets) {
            if (s.natT() == natT && s.localAddress().getAddress().equals(address)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Sends UDP-encapsulated ESP from the NAT-T sockets (RFC 3948), for a data plane. */
    public EspOutput espOutput() {
        return new NatTEspOutput(sockets);
    }

    public DropCounters counters() {
        return counters;
    }

    /** True if the sockets run on native epoll, false for NIO. */
    public boolean nativeEpoll() {
        return epoll;
    }

    /** Closes every socket, then stops the event loops; each step waits a bounded time. */
    @Override
    public void close() {
        for (IkeSocket s : sockets) {
            s.channel().close().awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        if (!group.shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS + 1, TimeUnit.SECONDS)) {
            LOG.warn("IKE transport event loops did not stop within {} s", CLOSE_TIMEOUT_SECONDS + 1);
        }
    }
}
