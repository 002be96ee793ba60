package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiFunction;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.auth.CertificateValidator;
import io.ikeseal.agent.auth.TrustAnchors;
import io.ikeseal.agent.protect.PeerReassemblyBudget;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.agent.transport.DropCounters;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.transport.IkeSpiTable;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.api.IkeCrypto;

/**
 * What the exchanges of every IKE SA share: the key-exchange token's services, credentials, where CHILD_SAs go,
 * the transport's SPI table and counters, and the threads. One per daemon.
 *
 * @param crypto    the key-exchange token's services: key exchange, key schedule, PSK AUTH
 * @param natT      a sender from our NAT-T socket on a local address to a peer (RFC 7296 §2.23), when we have one
 * @param tokenTime token time per IKE SA, read from the audit records
 */
public record GatewayServices(IkeCrypto crypto, AuditSink audit,
                              CertificateValidator certificates, TrustAnchors anchors, ChildSaInstaller installer,
                              SaEvents events, ExchangeSettings settings, IkeSpiTable spis, DropCounters counters,
                              Executor workers, ScheduledExecutorService timers, SecureRandom random, Clock clock,
                              Cookies cookies, BiFunction<InetAddress, InetSocketAddress, Optional<IkeSender>> natT,
                              List<Connection> connections, TokenTimeMeter tokenTime,
                              Map<InetAddress, PeerReassemblyBudget> reassemblyBudgets) {

    public GatewayServices {
        connections = List.copyOf(connections);
    }

    public static Map<InetAddress, PeerReassemblyBudget> newBudgets() {
        return new ConcurrentHashMap<>();
    }

    /** The reassembly memory one peer address may hold across all its SAs (RFC 7383 §2.6). */
    PeerReassemblyBudget budget(InetAddress peer) {
        return reassemblyBudgets.computeIfAbsent(peer, p -> new PeerReassemblyBudget(PeerReassemblyBudget.DEFAULT_BYTES));
    }

    /** Connections a message between these addresses may belong to, in configuration order. */
    List<Connection> candidates(InetAddress local, InetSocketAddress remote) {
        return connections.stream().filter(c -> c.matches(local, remote)).toList();
    }

    byte[] random(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A random non-zero 64-bit IKE SPI (RFC 7296 §2.6). */
    long newIkeSpi() {
        long spi;
        do {
            spi = random.nextLong();
        } while (spi == 0);
        return spi;
    }
}
