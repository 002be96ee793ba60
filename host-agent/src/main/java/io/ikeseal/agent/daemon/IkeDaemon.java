package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.ConfigException;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.dataplane.DataPlaneCounters;
import io.ikeseal.agent.exchange.Connection;
import io.ikeseal.agent.exchange.Cookies;
import io.ikeseal.agent.exchange.IkeGateway;
import io.ikeseal.agent.exchange.IkeRandom;
import io.ikeseal.agent.exchange.SaOutputs;
import io.ikeseal.agent.exchange.Scheduler;
import io.ikeseal.agent.metrics.SaMetrics;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.sa.RecordingInstaller;
import io.ikeseal.agent.sa.SaEvents;
import io.ikeseal.agent.sa.SaKeyLog;
import io.ikeseal.agent.transport.DropCounters;
import io.ikeseal.agent.transport.EspSink;
import io.ikeseal.agent.transport.IkeSocket;
import io.ikeseal.agent.transport.IkeSpiTable;
import io.ikeseal.agent.transport.IkeTransport;
import io.ikeseal.agent.transport.TransportConfig;
import io.ikeseal.agent.wireshark.WiresharkKeyTables;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.port.TokenIkeCrypto;
import io.ikeseal.hsm.sign.EcdsaCalibration;
import io.ikeseal.hsm.sign.SignatureVerifier;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;

/**
 * The IKEv2 daemon: the configuration's tokens (from a shared {@link TokenSet}), its connections with their
 * credentials looked up in the tokens, the UDP transport on the listen addresses, and the {@link IkeGateway} that
 * runs the IKE SAs. {@link #close()} deletes the established SAs (bounded wait), then releases the sockets and
 * threads; the tokens belong to the TokenSet.
 */
public final class IkeDaemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IkeDaemon.class);
    private static final Duration DELETE_WAIT = Duration.ofSeconds(3);
    private static final int DATA_PLANE_RECEIVE_BUFFER = 8 << 20;

    /**
     * How a daemon is embedded.
     *
     * @param installer where CHILD_SAs go; null: as the configuration's {@code data-plane} says (the userspace data
     *                  plane, or a RecordingInstaller for none)
     * @param events    SA events (the CLI prints them)
     * @param ikePort   overrides {@code ike.port} (0: any free port, for tests), or null
     * @param natTPort  overrides {@code ike.nat-t-port}, or null
     * @param settings  overrides the exchange settings of {@code ike:}, or null
     */
    public record Options(
            ChildSaInstaller installer, SaEvents events, Integer ikePort, Integer natTPort, ExchangeSettings settings) {
        public static Options defaults() {
            return new Options(null, SaEvents.NONE, null, null, null);
        }

        public Options withInstaller(ChildSaInstaller i) {
            return new Options(i, events, ikePort, natTPort, settings);
        }

        public Options withEvents(SaEvents e) {
            return new Options(installer, e, ikePort, natTPort, settings);
        }

        public Options withPorts(int ike, int natT) {
            return new Options(installer, events, ike, natT, settings);
        }

        public Options withSettings(ExchangeSettings s) {
            return new Options(installer, events, ikePort, natTPort, s);
        }
    }

    private final IkeTransport transport;
    private final IkeGateway gateway;
    /** The configuration in force and its connections: replaced whole by {@link #reload}. */
    private volatile Generation generation;

    private final Generation.Fixed fixed;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final TokenSet tokens;
    private final DataPlaneRuntime dataPlane;
    private final TokenIkeCrypto crypto;
    private final SaMetrics metrics;
    private volatile ConnectionSupervisor supervisor;
    /** Null unless debug.wireshark-keys is set. */
    private final WiresharkKeyTables wireshark;

    private IkeDaemon(
            Generation generation,
            Generation.Fixed fixed,
            IkeTransport transport,
            IkeGateway gateway,
            ExecutorService workers,
            ScheduledExecutorService timers,
            TokenSet tokens,
            DataPlaneRuntime dataPlane,
            TokenIkeCrypto crypto,
            SaMetrics metrics,
            WiresharkKeyTables wireshark) {
        this.metrics = metrics;
        this.wireshark = wireshark;
        this.tokens = tokens;
        this.crypto = crypto;
        this.dataPlane = dataPlane;
        this.generation = generation;
        this.fixed = fixed;
        this.transport = transport;
        this.gateway = gateway;
        this.workers = workers;
        this.timers = timers;
    }

    /**
     * Who verifies peers' AUTH signatures: the host, or for ECDSA P-256 one of the tokens already open if it is
     * measured clearly faster (EcdsaCalibration; docs/performance.md). Measured only when some peer signs.
     */
    private static SignatureVerifier peerSignatures(
            IkesealConfig config, Token kx, Map<String, TokenIdentity> identities) {
        if (config.connections().stream().noneMatch(c -> c.remoteAuth() == ConnectionConfig.AuthKind.PUBKEY)) {
            return SignatureVerifier.HOST;
        }
        Set<Token> open = new LinkedHashSet<>(List.of(kx));
        identities.values().forEach(i -> open.add(i.token()));
        return SignatureVerifier.using(EcdsaCalibration.choose(List.copyOf(open)));
    }

    /**
     * Opens what the configuration needs from {@code tokens}, looks up every connection's credentials, and binds
     * the listen addresses. Fails with {@link ConfigException} for a configuration that cannot run (exit code 2)
     * and with the token layer's or the socket's exception otherwise.
     */
    public static IkeDaemon start(IkesealConfig config, TokenSet tokens, Options options) throws IOException {
        if (config.listen().isEmpty()) {
            throw new ConfigException(config.file(), "listen", "nothing to listen on: configure connections or listen");
        }
        TokenConfig kxConfig = config.tokensWith(TokenRole.KEY_EXCHANGE).getFirst();
        Token kx = tokens.open(kxConfig);
        if (kx.tier() == ResidencyTier.COMPAT && config.ike().requiredTier() == ResidencyTier.SEALED) {
            throw new ConfigException(
                    config.file(),
                    "ike.require-tier",
                    "token '" + kx.name() + "' runs at tier " + kx.tier() + ", IKE SAs must be sealed");
        }
        TokenIkeCrypto crypto = TokenIkeCrypto.of(
                kx,
                config.ike().keySharePool(),
                config.ike().reuseKeyShare(),
                config.ike().reuseKeyShareUses());
        Map<String, TokenIdentity> identities = Generation.identities(config, tokens, null);
        ExchangeSettings configured =
                options.settings() != null ? options.settings() : config.ike().exchange();
        // The configured data plane, unless the embedder installs CHILD_SAs itself.
        boolean userspace = options.installer() == null && config.dataPlane().carriesTraffic();
        // Without a raw ESP socket, the userspace data plane needs ESP in UDP whether or not a NAT is on the path.
        ExchangeSettings settings =
                userspace ? configured.withLimits(configured.limits().withForcedUdpEncapsulation(true)) : configured;
        Generation.Fixed fixed =
                new Generation.Fixed(crypto, settings, peerSignatures(config, kx, identities), tokens.audit());
        Generation generation = Generation.build(config, identities, fixed, null);
        Map<String, Connection> connections = generation.connections();

        DataPlaneRuntime dataPlane = userspace ? DataPlaneRuntime.open(config.dataPlane()) : null;
        // Counts SA events and installed CHILD_SAs for the metrics endpoint, then passes them on. Token results are
        // released once their audit record is queued: a CHILD_SA carries traffic, and a datagram leaves, only after
        // the records are durable (docs/audit.md).
        SaMetrics metrics = new SaMetrics(options.events());
        ChildSaInstaller plane = options.installer() != null
                ? options.installer()
                : dataPlane != null ? dataPlane.plane() : new RecordingInstaller();
        // Opt-in (debug.wireshark-keys): the keys the tier keeps on the host, in Wireshark's tables.
        WiresharkKeyTables wireshark = wiresharkKeys(config, kx, tokens);
        ChildSaInstaller installer = new DurableInstaller(
                metrics.installer(wireshark == null ? plane : wireshark.installer(plane)), tokens.audit());
        ExecutorService workers = Executors.newFixedThreadPool(
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), daemonThreads("ike-sa"));
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemonThreads("ike-timer"));
        // A cancelled timer (an answered retransmission, the half-open limit of an established SA) leaves the queue
        // at once instead of at its deadline, and with it what it would have run: the SA it belongs to.
        timers.setRemoveOnCancelPolicy(true);
        IkeSpiTable spis = new IkeSpiTable();
        DropCounters counters = new DropCounters();
        SecureRandom random = new SecureRandom();
        IkeGateway gateway = new IkeGateway(
                crypto,
                generation.credentials(),
                new SaOutputs(
                        installer,
                        metrics,
                        counters,
                        tokens.tokenTime(),
                        wireshark == null ? SaKeyLog.NONE : wireshark),
                settings,
                Scheduler.of(timers, Clock.systemUTC()),
                new IkeRandom(random),
                spis,
                new Cookies(random, Clock.systemUTC()),
                List.copyOf(connections.values()),
                workers);
        gateway.onIkeSaEnd(metrics::ended);
        int ikePort =
                options.ikePort() != null ? options.ikePort() : config.ike().port();
        int natTPort =
                options.natTPort() != null ? options.natTPort() : config.ike().natTPort();
        TransportConfig tc = TransportConfig.of(config.listen())
                .withPorts(ikePort, natTPort)
                .withIkePortFraming(ikePort != TransportConfig.IKE_PORT);
        if (dataPlane != null) {
            // ESP arrives in bursts at line rate: a datagram the event loop has no room for is a TCP loss inside.
            tc = tc.withReceiveBuffer(DATA_PLANE_RECEIVE_BUFFER);
        }
        IkeTransport transport;
        try {
            transport = IkeTransport.start(
                    tc,
                    spis,
                    gateway.listener(),
                    counters,
                    dataPlane != null ? dataPlane.plane() : EspSink.dropping(counters),
                    tokens.audit()::barrier);
        } catch (IOException | RuntimeException e) {
            workers.shutdownNow();
            timers.shutdownNow();
            crypto.close();
            if (dataPlane != null) {
                dataPlane.close();
            }
            if (wireshark != null) {
                wireshark.close();
            }
            throw e;
        }
        if (dataPlane != null) {
            dataPlane.start(transport.espOutput());
        }
        // The groups our own IKE_SA_INIT requests start with; others join the pool when first asked for.
        crypto.fillPool(config.connections().stream()
                .flatMap(c -> c.proposals().stream())
                .filter(p -> !p.groups().isEmpty())
                .map(p -> p.groups().getFirst())
                .distinct()
                .toList());
        LOG.info(
                "ikeseal running: {} connection(s) {}, key exchange on token '{}' (tier {}), listening on {}",
                connections.size(),
                connections.keySet(),
                kx.name(),
                kx.tier().name().toLowerCase(java.util.Locale.ROOT),
                transport.sockets());
        return new IkeDaemon(
                generation, fixed, transport, gateway, workers, timers, tokens, dataPlane, crypto, metrics, wireshark);
    }

    private static WiresharkKeyTables wiresharkKeys(IkesealConfig config, Token kx, TokenSet tokens)
            throws IOException {
        Optional<Path> dir = config.debug().wiresharkKeys();
        return dir.isEmpty() ? null : WiresharkKeyTables.open(dir.get(), kx.tier(), tokens.audit(), kx.name());
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Initiates a configured connection; see {@link IkeGateway#initiate}. */
    public CompletableFuture<IkeSaInfo> initiate(String name) {
        Map<String, Connection> connections = generation.connections();
        Connection c = connections.get(name);
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "no connection '" + name + "' (connections: " + String.join(", ", connections.keySet()) + ")"));
        }
        InetSocketAddress remote = c.config().remote();
        if (remote == null) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("connection '" + name + "' has remote-address any: it only responds"));
        }
        Optional<IkeSocket> socket = transport.socket(c.config().localAddress(), false);
        if (socket.isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "not listening on " + c.config().localAddress().getHostAddress()));
        }
        return gateway.initiate(c, socket.get().sender(remote));
    }

    /** Rekeys the IKE SA with initiator SPI {@code spiI} (RFC 7296 §2.18); completes with the new SA. */
    public CompletableFuture<IkeSaInfo> rekeyIkeSa(long spiI) {
        return gateway.rekeyIkeSa(spiI);
    }

    /** Reauthenticates that IKE SA, make before break (RFC 7296 §2.8.3); completes with the new SA. */
    public CompletableFuture<IkeSaInfo> reauthenticate(long spiI) {
        return gateway.reauthenticate(spiI);
    }

    /** One more CHILD_SA of the IKE SA's connection; see {@link IkeGateway#initiateChild}. */
    public CompletableFuture<io.ikeseal.agent.sa.ChildSaRecord> initiateChild(long spiI, String childName) {
        return gateway.initiateChild(spiI, childName);
    }

    /** Rekeys one CHILD_SA; see {@link IkeGateway#rekeyChild}. */
    public CompletableFuture<io.ikeseal.agent.sa.ChildSaRecord> rekeyChild(long spiI, int inboundSpi) {
        return gateway.rekeyChild(spiI, inboundSpi);
    }

    /**
     * Starts connection supervision (issue 10 item 5): {@code initiate: true} connections now and until up, restarts
     * per close-action and dpd-action; one line per attempt and retry delay to {@code log}. Once only.
     */
    public synchronized ConnectionSupervisor supervise(ConnectionSupervisor.Backoff backoff, Consumer<String> log) {
        if (supervisor != null) {
            throw new IllegalStateException("already supervising");
        }
        SecureRandom jitter = new SecureRandom();
        ConnectionSupervisor s = new ConnectionSupervisor(
                generation.config().connections(),
                new ConnectionSupervisor.Connections() {
                    @Override
                    public CompletableFuture<?> initiate(String name) {
                        return IkeDaemon.this.initiate(name);
                    }

                    @Override
                    public boolean up(String name) {
                        return gateway.hasEstablished(name);
                    }
                },
                Scheduler.of(timers, Clock.systemUTC()),
                backoff,
                jitter::nextDouble,
                log);
        gateway.onIkeSaEnd(s::ended);
        supervisor = s;
        s.start();
        return s;
    }

    /**
     * Reads the configuration file again and applies what changed (issue 13 item 1): connections and trust added,
     * changed or removed; SAs of unchanged connections keep their SPIs. A file that cannot be loaded, or changes
     * what only a restart can, throws {@link ConfigException} and changes nothing.
     */
    public synchronized ReloadReport reload() {
        Path file = generation.config().file();
        try {
            return reload(IkesealConfig.load(file));
        } catch (RuntimeException e) {
            // ConfigException's message names file, key and problem, never a secret; a token's names its call
            LOG.warn("configuration reload refused, nothing changed: {}", e.getMessage());
            throw e;
        }
    }

    /**
     * Applies {@code next} as {@link #reload()} does (docs/operations-reload.md): checks what only a restart can change
     * ({@link RestartOnly}), builds the whole new {@link Generation} (keys looked up, local IDs checked, trust read),
     * and only then swaps it in, ends the SAs of removed and changed connections and starts the {@code initiate: true}
     * ones among the added and changed. Serialized with other reloads and with {@link #supervise}.
     */
    synchronized ReloadReport reload(IkesealConfig next) {
        Generation before = generation;
        RestartOnly.check(before.config(), next);
        Generation after = Generation.build(next, Generation.identities(next, tokens, before), fixed, before);
        ReloadReport report = after.changesSince(before);
        boolean trustChanged = report.trustChanged();
        Set<String> replaced = new LinkedHashSet<>(report.removed());
        replaced.addAll(report.changed());
        ConnectionSupervisor s = supervisor;
        if (s != null) {
            s.reconfigure(next.connections(), replaced); // first: no retry of what goes may start meanwhile
        }
        generation = after;
        int ended = gateway.connections()
                .replace(List.copyOf(after.connections().values()), after.credentials(), trustChanged, DELETE_WAIT);
        if (s != null) {
            List<String> starting = new ArrayList<>(report.added());
            starting.addAll(report.changed());
            s.start(starting);
        }
        LOG.info(
                "configuration reloaded from {}: added {}, removed {}, changed {}, {} unchanged, trust {}; {} IKE SA(s) "
                        + "ended",
                next.file(),
                report.added(),
                report.removed(),
                report.changed(),
                report.unchanged().size(),
                trustChanged ? "changed" : "unchanged",
                ended);
        return report;
    }

    /** The configuration in force: the one started with, or the last one a reload applied. */
    public IkesealConfig config() {
        return generation.config();
    }

    public IkeTransport transport() {
        return transport;
    }

    public IkeGateway gateway() {
        return gateway;
    }

    /** Key pairs waiting in the key-exchange token's pool (ike.key-share-pool), which no SA holds yet. */
    public long pooledKeyShares() {
        return crypto.pooledShares();
    }

    /**
     * Per token this daemon uses, the handles to token objects handed out and not yet destroyed: about one (SK_d)
     * per live IKE SA on the key-exchange token. Counted per token, so daemons sharing a TokenSet see the same
     * numbers (docs/tokens.md, "Live token objects").
     */
    public Map<String, Long> liveTokenObjects() {
        return tokens.liveObjects();
    }

    /**
     * Destroys of direct-binding token objects queued and not yet run, over this daemon's tokens (docs/tokens.md,
     * "Direct binding"): they run on the token threads after their calls, or as idle work.
     */
    public long pendingTokenDestroys() {
        return tokens.tokens().values().stream()
                .mapToLong(t -> t.direct().pendingDestroys())
                .sum();
    }

    /** What this daemon's SAs did, counted (the metrics endpoint: {@link DaemonMetrics}). */
    public SaMetrics saMetrics() {
        return metrics;
    }

    public DropCounters counters() {
        return transport.counters();
    }

    /** The userspace data plane's drop counters, or empty when CHILD_SAs carry no traffic here. */
    public Optional<DataPlaneCounters> dataPlaneCounters() {
        return Optional.ofNullable(dataPlane).map(DataPlaneRuntime::counters);
    }

    /** Our IKE port on {@code address}, e.g. the free port a test got with port 0. */
    public int ikePort() {
        return transport.sockets().stream()
                .filter(s -> !s.natT())
                .findFirst()
                .orElseThrow()
                .localAddress()
                .getPort();
    }

    public int natTPort() {
        return transport.sockets().stream()
                .filter(IkeSocket::natT)
                .findFirst()
                .orElseThrow()
                .localAddress()
                .getPort();
    }

    @Override
    public void close() {
        ConnectionSupervisor s = supervisor;
        if (s != null) {
            s.close(); // first: the SAs deleted next must not be started again
        }
        // nor a peer's new SA: one begun during the deletion would keep its token objects past close (found against
        // charon, which started an IKE SA as the daemon stopped)
        gateway.stopAdmitting();
        gateway.deleteAll("daemon stopping", DELETE_WAIT);
        if (dataPlane != null) {
            dataPlane.close(); // after the deletions, which read each SA's counters; before the sockets go
        }
        transport.close();
        crypto.close(); // the pooled key pairs: no SA holds them
        timers.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
        if (wireshark != null) {
            wireshark.close(); // last: the SAs' rows are gone, and both tables are emptied
        }
    }
}
