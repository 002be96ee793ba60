package io.ikeseal.agent.exchange;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.ikeseal.agent.auth.CertificateValidator;
import io.ikeseal.agent.auth.IkeIdentity;
import io.ikeseal.agent.auth.LocalAuthenticator;
import io.ikeseal.agent.auth.OwnCertificates;
import io.ikeseal.agent.auth.SignaturePolicy;
import io.ikeseal.agent.auth.TrustAnchors;
import io.ikeseal.agent.config.ChildConfig;
import io.ikeseal.agent.config.ChildLifetimes;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IkeLifetimes;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.RecordingInstaller;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.agent.transport.DropCounters;
import io.ikeseal.agent.transport.IkeSpiTable;
import io.ikeseal.agent.ts.ConfiguredSelector;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.testhsm.TestCa;

/**
 * Two exchange engines joined by a {@link MemoryNetwork}, with the software token port, a manual scheduler and
 * inline executors: the initiator "branch" (192.0.2.1) and the responder "gateway" (192.0.2.2), authenticating with
 * one PSK, one CHILD_SA. Everything runs on the test's thread.
 */
final class ExchangePair {
    static final byte[] PSK = "an in-memory pre-shared key of 32".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final InetSocketAddress BRANCH = address("192.0.2.1");
    static final InetSocketAddress GATEWAY = address("192.0.2.2");

    final MemoryNetwork network = new MemoryNetwork();
    final ManualScheduler scheduler = new ManualScheduler();
    final Side initiator;
    final Side responder;

    /** One end: its gateway and what it reports. */
    static final class Side {
        final SoftwareIkeCrypto crypto;
        final RecordingInstaller installer = new RecordingInstaller();
        /** Every installation in order, with its keys. */
        final KeyedInstaller keys = new KeyedInstaller(installer);

        final DropCounters counters = new DropCounters();
        final List<String> events = new CopyOnWriteArrayList<>();
        /** Sees each event as it is reported, e.g. to look at the SA's state at that moment. */
        volatile Consumer<String> watcher = e -> {};

        final IkeSpiTable spis = new IkeSpiTable();
        /**
         * What this end's audit barrier answers, for every SA (completed: an idle log); a test holds it to script
         * a group commit that has not happened yet. {@link #barriers} lists the SAs (initiator SPI) it was asked for.
         */
        volatile CompletableFuture<Void> barrier = CompletableFuture.completedFuture(null);

        final List<String> barriers = new CopyOnWriteArrayList<>();
        /** This end's random values; a test may fix the first octet of its nonces. */
        final BiasedRandom random = new BiasedRandom();

        final IkeGateway gateway;
        final Connection connection;

        private void report(String event) {
            events.add(event);
            watcher.accept(event);
        }

        /** PSK when {@code signer} is null, else signatures by it. */
        Side(
                ConnectionConfig config,
                Set<DhGroup> groups,
                ExchangeSettings settings,
                Scheduler scheduler,
                int window,
                SoftwareSigner signer) {
            crypto = new SoftwareIkeCrypto(groups).withPsk("site", PSK);
            connection = signer == null
                    ? new Connection(config, LocalAuthenticator.psk(crypto, "site"), "PSK 'site' in token software")
                    : new Connection(
                            config,
                            LocalAuthenticator.signature(signer, SignaturePolicy.DEFAULT),
                            "EC_P256 key in memory");
            AuditSink audit = new AuditSink() {
                @Override
                public CompletableFuture<Void> append(AuditRecord record) {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public CompletableFuture<Void> barrier(String ikeSpiI) {
                    barriers.add(String.valueOf(ikeSpiI));
                    return barrier;
                }

                @Override
                public void close() {}
            };
            TrustAnchors anchors = TrustAnchors.of(List.of(TestCa.shared().certificate()));
            SaEvents recorder = new SaEvents() {
                @Override
                public void ikeSaEstablished(IkeSaInfo sa) {
                    report("established");
                }

                @Override
                public void ikeSaFailed(IkeSaInfo sa, String reason) {
                    report("failed: " + reason);
                }

                @Override
                public void ikeSaDeleted(IkeSaInfo sa, String reason) {
                    report("deleted: " + reason);
                }

                @Override
                public void childSaEstablished(IkeSaInfo ikeSa, ChildSaRecord child) {
                    report("child: " + child.name());
                }

                @Override
                public void childSaFailed(IkeSaInfo ikeSa, String child, String reason) {
                    report("child failed: " + reason);
                }

                @Override
                public void childSaDeleted(IkeSaInfo ikeSa, ChildSaRecord child, String reason) {
                    report("child deleted: " + child.name());
                }

                @Override
                public void childSaRekeyed(IkeSaInfo ikeSa, ChildSaRecord old, ChildSaRecord now) {
                    report("child rekeyed: " + now.name());
                }

                @Override
                public void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo now, boolean reauthenticated) {
                    report(reauthenticated ? "reauthenticated" : "rekeyed");
                }

                @Override
                public void livenessFailed(IkeSaInfo sa, String reason) {
                    report("dead: " + reason);
                }
            };
            gateway = new IkeGateway(
                    crypto,
                    new Credentials(
                            new CertificateValidator(anchors, OwnCertificates.NONE),
                            anchors,
                            SignaturePolicy.DEFAULT,
                            crypto,
                            audit),
                    new SaOutputs(keys, recorder, counters, new TokenTimeMeter(audit)),
                    settings.withWindow(window),
                    scheduler,
                    new IkeRandom(random),
                    spis,
                    new Cookies(new SecureRandom(), scheduler.clock()),
                    List.of(connection),
                    Runnable::run);
        }
    }

    ExchangePair() {
        this(
                ExchangeSettings.DEFAULT,
                Set.of(DhGroup.ECP_256, DhGroup.ECP_384),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1);
    }

    ExchangePair(
            ExchangeSettings settings,
            Set<DhGroup> responderGroups,
            List<String> initiatorIke,
            List<String> responderIke,
            int window) {
        this(settings, responderGroups, initiatorIke, responderIke, window, false);
    }

    /** @param signatures both ends sign AUTH with in-memory keys certified by the test CA, instead of the PSK */
    ExchangePair(
            ExchangeSettings settings,
            Set<DhGroup> responderGroups,
            List<String> initiatorIke,
            List<String> responderIke,
            int window,
            boolean signatures) {
        this(settings, responderGroups, initiatorIke, responderIke, window, signatures, null, null);
    }

    /** Both ends with these CHILD_SAs configured (the first is negotiated in IKE_AUTH), PSK, window 1. */
    ExchangePair(ExchangeSettings settings, List<ChildConfig> initiatorChildren, List<ChildConfig> responderChildren) {
        this(
                settings,
                Set.of(DhGroup.ECP_256, DhGroup.ECP_384),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1,
                false,
                initiatorChildren,
                responderChildren);
    }

    private ExchangePair(
            ExchangeSettings settings,
            Set<DhGroup> responderGroups,
            List<String> initiatorIke,
            List<String> responderIke,
            int window,
            boolean signatures,
            List<ChildConfig> initiatorChildren,
            List<ChildConfig> responderChildren) {
        ConnectionConfig.AuthKind auth = signatures ? ConnectionConfig.AuthKind.PUBKEY : ConnectionConfig.AuthKind.PSK;
        initiator = new Side(
                withChildren(
                        config("gateway", BRANCH, GATEWAY, "branch.example", "gw.example", initiatorIke, auth),
                        initiatorChildren),
                Set.of(DhGroup.ECP_256, DhGroup.ECP_384),
                settings,
                scheduler,
                window,
                signatures ? new SoftwareSigner("branch.example") : null);
        responder = new Side(
                withChildren(
                        config("branch", GATEWAY, null, "gw.example", "branch.example", responderIke, auth),
                        responderChildren),
                responderGroups,
                settings,
                scheduler,
                window,
                signatures ? new SoftwareSigner("gw.example") : null);
        network.attach(new MemoryNetwork.Endpoint(BRANCH, initiator.spis, initiator.gateway.listener()));
        network.attach(new MemoryNetwork.Endpoint(GATEWAY, responder.spis, responder.gateway.listener()));
    }

    CompletableFuture<IkeSaInfo> initiate() {
        return initiator.gateway.initiate(initiator.connection, network.sender(BRANCH, GATEWAY));
    }

    static ConnectionConfig config(
            String name,
            InetSocketAddress local,
            InetSocketAddress remote,
            String localId,
            String remoteId,
            List<String> ike,
            ConnectionConfig.AuthKind auth) {
        List<ConfiguredProposal> proposals = new ArrayList<>();
        ike.forEach(p -> proposals.add(ConfiguredProposal.ike(p)));
        ChildConfig child = new ChildConfig(
                "net",
                List.of(ConfiguredSelector.Dynamic.ANY),
                List.of(ConfiguredSelector.Dynamic.ANY),
                List.of(ConfiguredProposal.esp("aes256gcm16")),
                ChildSaMode.TUNNEL,
                ChildLifetimes.DEFAULT);
        return new ConnectionConfig(
                name,
                local.getAddress(),
                remote,
                IkeIdentity.parse(localId),
                IkeIdentity.parse(remoteId),
                auth,
                auth,
                auth == ConnectionConfig.AuthKind.PUBKEY ? "in-memory" : null,
                auth == ConnectionConfig.AuthKind.PSK ? "site" : null,
                proposals,
                IkeLifetimes.DEFAULT,
                Liveness.DEFAULT,
                false,
                List.of(child));
    }

    private static ConnectionConfig withChildren(ConnectionConfig c, List<ChildConfig> children) {
        return children == null ? c : c.withChildren(children);
    }

    /** A tunnel-mode CHILD_SA between the two addresses ({@code dynamic} both ways). */
    static ChildConfig child(String name, String esp, ChildLifetimes lifetimes) {
        return new ChildConfig(
                name,
                List.of(ConfiguredSelector.Dynamic.ANY),
                List.of(ConfiguredSelector.Dynamic.ANY),
                List.of(ConfiguredProposal.esp(esp)),
                ChildSaMode.TUNNEL,
                lifetimes);
    }

    private static InetSocketAddress address(String a) {
        try {
            return new InetSocketAddress(InetAddress.getByName(a), 500);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
