package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.MalformedMessageException;

/**
 * A UDP forwarder on loopback between an initiator and a responder, to lose, repeat and count chosen IKE datagrams.
 * The initiator is configured to talk to {@link #address()}; the relay forwards from a socket of its own to the
 * responder, and sends the answers to the address the initiator last sent from (so it follows an initiator that
 * moves to its NAT-T port: with the relay's ports in between, both ends see a NAT, RFC 7296 §2.23).
 */
final class UdpRelay implements AutoCloseable {
    enum Direction {
        TO_RESPONDER,
        TO_INITIATOR
    }

    /** One datagram through the relay; {@code message} is null when it is not an IKE message. */
    record Datagram(Direction direction, byte[] octets, IkeMessage message, boolean forwarded) {
        boolean is(Direction d, ExchangeType type, boolean response) {
            return direction == d
                    && message != null
                    && message.header().exchangeType() == type.code()
                    && message.header().isResponse() == response;
        }

        /** A fragment of a protected message (the first payload is SKF, RFC 7383 §2.5). */
        boolean fragment() {
            return message != null && message.header().nextPayload() == io.ikeseal.agent.wire.PayloadType.SKF.code();
        }
    }

    /** Decides each datagram's fate: true forwards it, false loses it. May send others through the relay. */
    interface Rule {
        boolean forward(Datagram d, UdpRelay relay);
    }

    /** The non-ESP marker on every IKE message to or from a port other than 500 (RFC 3948 §2.2). */
    private static final int MARKER = 4;

    private final DatagramSocket front;
    private final DatagramSocket back;
    private final InetSocketAddress responder;
    private final Rule rule;
    private final List<Datagram> seen = new CopyOnWriteArrayList<>();
    private final List<Thread> threads;
    private volatile InetSocketAddress initiator;
    private volatile boolean closed;

    UdpRelay(InetSocketAddress responder, Rule rule) throws SocketException {
        this.responder = responder;
        this.rule = rule;
        this.front = new DatagramSocket(new InetSocketAddress(responder.getAddress(), 0));
        this.back = new DatagramSocket(new InetSocketAddress(responder.getAddress(), 0));
        front.setSoTimeout(100);
        back.setSoTimeout(100);
        threads = List.of(
                Thread.ofPlatform().daemon().name("relay-front").start(() -> pump(front, Direction.TO_RESPONDER)),
                Thread.ofPlatform().daemon().name("relay-back").start(() -> pump(back, Direction.TO_INITIATOR)));
    }

    /** Forwards everything. */
    static Rule forwardAll() {
        return (d, r) -> true;
    }

    /** Where the initiator sends. */
    InetSocketAddress address() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** How the initiator's audit records name the peer: the relay's front socket. */
    String asSeenByInitiator() {
        return address().getAddress().getHostAddress() + ":" + address().getPort();
    }

    /** How the responder's audit records name the peer: the relay's socket towards it. */
    String asSeenByResponder() {
        InetSocketAddress b = (InetSocketAddress) back.getLocalSocketAddress();
        return b.getAddress().getHostAddress() + ":" + b.getPort();
    }

    /** Sends {@code octets} (as the initiator sent them) to the responder once more. */
    void resendToResponder(byte[] octets) {
        send(back, octets, responder);
    }

    /** Every datagram so far, forwarded or lost, in the order the relay saw them. */
    List<Datagram> seen() {
        return List.copyOf(seen);
    }

    long count(Direction d, ExchangeType type, boolean response) {
        return seen.stream().filter(x -> x.is(d, type, response)).count();
    }

    private void pump(DatagramSocket in, Direction direction) {
        byte[] buf = new byte[65_536];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                in.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                return; // closed
            }
            byte[] octets = Arrays.copyOf(buf, p.getLength());
            if (direction == Direction.TO_RESPONDER) {
                initiator = (InetSocketAddress) p.getSocketAddress();
            }
            Datagram d = new Datagram(direction, octets, decode(octets), true);
            boolean forward = rule.forward(d, this);
            seen.add(forward ? d : new Datagram(direction, octets, d.message(), false));
            if (forward) {
                if (direction == Direction.TO_RESPONDER) {
                    send(back, octets, responder);
                } else if (initiator != null) {
                    send(front, octets, initiator);
                }
            }
        }
    }

    private static IkeMessage decode(byte[] octets) {
        if (octets.length < MARKER || octets[0] != 0 || octets[1] != 0 || octets[2] != 0 || octets[3] != 0) {
            return null;
        }
        try {
            return IkeMessageCodec.decode(Arrays.copyOfRange(octets, MARKER, octets.length));
        } catch (MalformedMessageException e) {
            return null;
        }
    }

    private void send(DatagramSocket s, byte[] octets, InetSocketAddress to) {
        try {
            s.send(new DatagramPacket(octets, octets.length, to));
        } catch (IOException e) {
            if (!closed) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        front.close();
        back.close();
        try {
            for (Thread t : threads) {
                t.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
