package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.hsm.api.DhGroup;

/**
 * An {@link ExchangePair} whose connections watch their peer ({@link Liveness}), on one {@link MemoryNetwork} that
 * more initiators with the same identities can join (a peer that restarted), each side recording why its IKE SAs
 * ended ({@link IkeGateway.SaEndListener}).
 */
final class LivePair {
    final MemoryNetwork network = new MemoryNetwork();
    final ManualScheduler scheduler = new ManualScheduler();
    final ExchangeSettings settings;
    final Liveness initiatorLiveness;
    final ExchangePair.Side initiator;
    final ExchangePair.Side responder;
    /** "connection wasEstablished cause" per SA end, per side. */
    final List<String> initiatorEnds = new CopyOnWriteArrayList<>();

    final List<String> responderEnds = new CopyOnWriteArrayList<>();

    LivePair(ExchangeSettings settings, Liveness initiatorLiveness, Liveness responderLiveness) {
        this.settings = settings;
        this.initiatorLiveness = initiatorLiveness;
        initiator = side(ExchangePair.BRANCH, initiatorLiveness, initiatorEnds);
        responder = new ExchangePair.Side(
                with(
                        ExchangePair.config(
                                "branch",
                                ExchangePair.GATEWAY,
                                null,
                                "gw.example",
                                "branch.example",
                                List.of("aes256gcm16-prfsha256-ecp256"),
                                ConnectionConfig.AuthKind.PSK),
                        responderLiveness),
                Set.of(DhGroup.ECP_256),
                settings,
                scheduler,
                1,
                null);
        responder.gateway.onIkeSaEnd((c, was, cause) -> responderEnds.add(c + " " + was + " " + cause));
        network.attach(new MemoryNetwork.Endpoint(ExchangePair.GATEWAY, responder.spis, responder.gateway.listener()));
    }

    /** Another initiator with the branch's identities, e.g. the branch after a restart, at {@code address}. */
    ExchangePair.Side side(InetSocketAddress address, Liveness liveness, List<String> ends) {
        ExchangePair.Side s = new ExchangePair.Side(
                with(
                        ExchangePair.config(
                                "gateway",
                                address,
                                ExchangePair.GATEWAY,
                                "branch.example",
                                "gw.example",
                                List.of("aes256gcm16-prfsha256-ecp256"),
                                ConnectionConfig.AuthKind.PSK),
                        liveness),
                Set.of(DhGroup.ECP_256),
                settings,
                scheduler,
                1,
                null);
        s.gateway.onIkeSaEnd((c, was, cause) -> ends.add(c + " " + was + " " + cause));
        network.attach(new MemoryNetwork.Endpoint(address, s.spis, s.gateway.listener()));
        return s;
    }

    CompletableFuture<IkeSaInfo> initiate(ExchangePair.Side from) {
        return from.gateway.initiate(
                from.connection,
                network.sender(
                        new InetSocketAddress(from.connection.config().localAddress(), 500), ExchangePair.GATEWAY));
    }

    static ConnectionConfig with(ConnectionConfig c, Liveness l) {
        return c.withLiveness(l);
    }

    static InetSocketAddress address(String a) {
        try {
            return new InetSocketAddress(InetAddress.getByName(a), 500);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
