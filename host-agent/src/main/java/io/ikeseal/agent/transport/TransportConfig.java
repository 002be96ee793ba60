package io.ikeseal.agent.transport;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

import io.ikeseal.agent.wire.DecodeLimits;

/**
 * Where and how the transport listens. Each address gets two sockets, the IKE port and the NAT-T port (RFC 7296
 * §2.23: 500 and 4500). Addresses are specific, never the wildcard: a reply must leave from the address its
 * request arrived on (§2.11), and Netty cannot choose a datagram's source address on a wildcard socket (no
 * IP_PKTINFO on send), so the transport binds one socket per address instead.
 *
 * @param ikePort            0 takes a free port per address (tests)
 * @param natTPort           0 takes a free port per address (tests)
 * @param preferEpoll        use native epoll when it is available, NIO otherwise
 * @param eventLoopThreads   threads serving all sockets
 * @param receiveBufferBytes SO_RCVBUF asked for; Linux caps it at net.core.rmem_max
 * @param answersPerSecond   token bucket rate of unprotected answers, all sockets together
 * @param answerBurst        token bucket size
 * @param answerInvalidIkeSpi answer protected requests under unknown SPIs (RFC 7296 §2.21.4 says MAY)
 * @param frameIkePort       IKE on the IKE port too travels behind the non-ESP marker. RFC 3948 frames only the
 *                           NAT-T port, but strongSwan frames every port other than 500, so two peers on
 *                           non-standard ports interoperate only with this set (docs/strongswan-peer.md)
 */
public record TransportConfig(
        List<InetAddress> addresses,
        int ikePort,
        int natTPort,
        boolean preferEpoll,
        int eventLoopThreads,
        int receiveBufferBytes,
        int answersPerSecond,
        int answerBurst,
        boolean answerInvalidIkeSpi,
        DecodeLimits limits,
        boolean frameIkePort) {
    public static final int IKE_PORT = 500;
    public static final int NAT_T_PORT = 4500;
    /** 1 MiB: bursts of IKE_SA_INIT requests wait in the kernel rather than being dropped there. */
    public static final int DEFAULT_RECEIVE_BUFFER = 1 << 20;

    public static final int DEFAULT_ANSWERS_PER_SECOND = 10;
    public static final int DEFAULT_ANSWER_BURST = 20;

    public TransportConfig {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(limits, "limits");
        if (addresses.isEmpty() || new HashSet<>(addresses).size() != addresses.size()) {
            throw new IllegalArgumentException("one or more distinct addresses are needed: " + addresses);
        }
        for (InetAddress a : addresses) {
            if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
                throw new IllegalArgumentException(a.getHostAddress() + ": bind specific unicast addresses, so "
                        + "replies leave from the address their request arrived on");
            }
        }
        if (ikePort < 0
                || ikePort > 0xffff
                || natTPort < 0
                || natTPort > 0xffff
                || (ikePort == natTPort && ikePort != 0)) {
            throw new IllegalArgumentException("IKE port " + ikePort + " and NAT-T port " + natTPort
                    + " must be distinct UDP ports (or 0 for any free one)");
        }
        if (eventLoopThreads < 1 || receiveBufferBytes < 1 || answersPerSecond < 1 || answerBurst < 1) {
            throw new IllegalArgumentException("threads, receive buffer, answer rate and burst must be positive");
        }
    }

    /** Ports 500 and 4500 on {@code addresses}, epoll preferred, one thread per socket up to the core count. */
    public static TransportConfig of(List<InetAddress> addresses) {
        int threads =
                Math.max(1, Math.min(2 * addresses.size(), Runtime.getRuntime().availableProcessors()));
        return new TransportConfig(
                addresses,
                IKE_PORT,
                NAT_T_PORT,
                true,
                threads,
                DEFAULT_RECEIVE_BUFFER,
                DEFAULT_ANSWERS_PER_SECOND,
                DEFAULT_ANSWER_BURST,
                true,
                DecodeLimits.DEFAULT,
                false);
    }

    public TransportConfig withPorts(int ike, int natT) {
        return new TransportConfig(
                addresses,
                ike,
                natT,
                preferEpoll,
                eventLoopThreads,
                receiveBufferBytes,
                answersPerSecond,
                answerBurst,
                answerInvalidIkeSpi,
                limits,
                frameIkePort);
    }

    public TransportConfig withEpoll(boolean prefer) {
        return new TransportConfig(
                addresses,
                ikePort,
                natTPort,
                prefer,
                eventLoopThreads,
                receiveBufferBytes,
                answersPerSecond,
                answerBurst,
                answerInvalidIkeSpi,
                limits,
                frameIkePort);
    }

    public TransportConfig withIkePortFraming(boolean frame) {
        return new TransportConfig(
                addresses,
                ikePort,
                natTPort,
                preferEpoll,
                eventLoopThreads,
                receiveBufferBytes,
                answersPerSecond,
                answerBurst,
                answerInvalidIkeSpi,
                limits,
                frame);
    }

    public TransportConfig withAnswers(int perSecond, int burst, boolean invalidIkeSpi) {
        return new TransportConfig(
                addresses,
                ikePort,
                natTPort,
                preferEpoll,
                eventLoopThreads,
                receiveBufferBytes,
                perSecond,
                burst,
                invalidIkeSpi,
                limits,
                frameIkePort);
    }

    /** With SO_RCVBUF {@code bytes} (Linux caps it at net.core.rmem_max): ESP arrives in bursts. */
    public TransportConfig withReceiveBuffer(int bytes) {
        return new TransportConfig(
                addresses,
                ikePort,
                natTPort,
                preferEpoll,
                eventLoopThreads,
                bytes,
                answersPerSecond,
                answerBurst,
                answerInvalidIkeSpi,
                limits,
                frameIkePort);
    }
}
