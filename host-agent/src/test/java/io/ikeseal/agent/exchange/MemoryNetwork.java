package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSaInbox;
import io.ikeseal.agent.transport.IkeSaInitListener;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.transport.IkeSpiTable;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeHeader;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.MalformedMessageException;

/**
 * Two IKE endpoints joined in memory, in place of UDP: a sent message is delivered at once on the sender's thread
 * (like the transport's dispatcher: IKE_SA_INIT requests to the listener, everything else by SPI), unless a test
 * rule holds, drops or duplicates it. Every message is logged, in send order.
 */
final class MemoryNetwork {
    /** One message on the wire. */
    record Packet(InetSocketAddress from, InetSocketAddress to, byte[] octets, IkeHeader header) {
        boolean is(ExchangeType type, boolean response) {
            return header.exchangeType() == type.code() && header.isResponse() == response;
        }

        @Override
        public String toString() {
            return ExchangeType.name(header.exchangeType()) + " #" + header.messageId()
                    + (header.isResponse() ? " response" : " request");
        }
    }

    static final int NAT_T_PORT = 4500;

    /** One side: its address, its SPI table and where its new SAs start. */
    record Endpoint(InetSocketAddress address, IkeSpiTable spis, IkeSaInitListener listener) {}

    private final List<Endpoint> endpoints = new ArrayList<>();
    private final List<Packet> log = new ArrayList<>();
    private final List<Packet> held = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    /** NAT-keepalives sent (RFC 3948 §2.3): from where, to where, as the sender wrote them. */
    private final List<Packet> keepalives = new ArrayList<>();
    /** A NAT in front of one address (RFC 7296 §2.23): its datagrams leave from another one, ports kept. */
    private volatile InetAddress natInside;

    private volatile InetAddress natOutside;

    private record Rule(Predicate<Packet> match, int times, Action action, int[] used) {}

    enum Action {
        DROP,
        DUPLICATE,
        HOLD
    }

    /** Puts {@code inside} behind a NAT that makes it appear as {@code outside} (same ports). */
    void nat(InetAddress inside, InetAddress outside) {
        natInside = inside;
        natOutside = outside;
    }

    /** The NAT-keepalives sent so far, with their addresses before any NAT. */
    synchronized List<Packet> keepalives() {
        return List.copyOf(keepalives);
    }

    void attach(Endpoint e) {
        endpoints.add(e);
    }

    /** The next {@code times} packets that {@code match} are dropped, duplicated or held back (see {@link #release}). */
    synchronized void on(Predicate<Packet> match, int times, Action action) {
        rules.add(new Rule(match, times, action, new int[1]));
    }

    synchronized List<Packet> log() {
        return List.copyOf(log);
    }

    synchronized long count(Predicate<Packet> match) {
        return log.stream().filter(match).count();
    }

    /** Delivers held packets, newest first (a reordering), or in order. */
    void release(boolean reversed) {
        List<Packet> out;
        synchronized (this) {
            out = new ArrayList<>(held);
            held.clear();
        }
        if (reversed) {
            java.util.Collections.reverse(out);
        }
        out.forEach(this::deliver);
    }

    IkeSender sender(InetSocketAddress from, InetSocketAddress to) {
        return new IkeSender() {
            @Override
            public InetSocketAddress local() {
                return from;
            }

            @Override
            public InetSocketAddress remote() {
                return to;
            }

            @Override
            public boolean natT() {
                return from.getPort() == NAT_T_PORT;
            }

            @Override
            public CompletableFuture<Void> send(byte[] octets) {
                transmit(from, to, octets.clone());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public Optional<IkeSender> toNatT(InetSocketAddress remote) {
                return Optional.of(sender(new InetSocketAddress(from.getAddress(), NAT_T_PORT), remote));
            }

            @Override
            public CompletableFuture<Void> sendNatKeepalive() {
                if (!natT()) {
                    return IkeSender.super.sendNatKeepalive();
                }
                synchronized (MemoryNetwork.this) {
                    keepalives.add(new Packet(from, to, new byte[] {(byte) 0xff}, null));
                }
                return CompletableFuture.completedFuture(null); // the transport drops it on arrival (NatTFramerTest)
            }
        };
    }

    private void transmit(InetSocketAddress sentFrom, InetSocketAddress to, byte[] octets) {
        InetSocketAddress from = sentFrom.getAddress().equals(natInside)
                ? new InetSocketAddress(natOutside, sentFrom.getPort())
                : sentFrom;
        Packet p;
        Action action = null;
        try {
            p = new Packet(from, to, octets, IkeMessageCodec.decode(octets).header());
        } catch (MalformedMessageException e) {
            throw new IllegalStateException("we sent a malformed message", e);
        }
        synchronized (this) {
            log.add(p);
            for (Rule r : rules) {
                if (r.used()[0] < r.times() && r.match().test(p)) {
                    r.used()[0]++;
                    action = r.action();
                    break;
                }
            }
            if (action == Action.HOLD) {
                held.add(p);
            }
        }
        if (action == Action.DROP || action == Action.HOLD) {
            return;
        }
        deliver(p);
        if (action == Action.DUPLICATE) {
            deliver(p);
        }
    }

    private void deliver(Packet p) {
        InetSocketAddress recipient =
                p.to().getAddress().equals(natOutside) ? new InetSocketAddress(natInside, p.to().getPort()) : p.to();
        Endpoint to = endpoints.stream()
                .filter(e -> e.address().getAddress().equals(recipient.getAddress()))
                .findFirst()
                .orElseThrow();
        IkeDatagram dg;
        try {
            dg = new IkeDatagram(
                    IkeMessageCodec.decode(p.octets()),
                    p.octets(),
                    p.from(),
                    recipient,
                    p.to().getPort() == NAT_T_PORT);
        } catch (MalformedMessageException e) {
            throw new IllegalStateException(e);
        }
        IkeHeader h = dg.message().header();
        IkeSender replies = sender(recipient, p.from());
        if (h.exchangeType() == ExchangeType.IKE_SA_INIT.code() && h.isRequest()) {
            to.listener().ikeSaInitRequest(dg, replies);
            return;
        }
        IkeSaInbox sa = to.spis().lookup(IkeSpiTable.ourSpi(h));
        if (sa != null) {
            sa.receive(dg, replies);
        }
    }
}
