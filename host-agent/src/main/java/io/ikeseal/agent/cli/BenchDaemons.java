package io.ikeseal.agent.cli;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.agent.config.AdmissionSettings;
import io.ikeseal.agent.config.AuditConfig;
import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.sa.ChildSaInstaller;
import io.ikeseal.agent.sa.ChildSaKeys;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * The two daemons the {@code bench} verbs that run handshakes share, in this process on loopback, on the deployment
 * {@code setup-demo} writes: the gateway of DIR/ikeseal.yaml answers, the branch office of DIR/branch.yaml initiates
 * its first connection with a remote address, both on one {@link TokenSet} (so on the same tokens, and every token
 * call of both ends goes to the gateway's audit log). Both bind free ports instead of the configured ones; CHILD_SAs
 * are installed nowhere.
 */
final class BenchDaemons implements AutoCloseable {
    static final String GATEWAY_YAML = "ikeseal.yaml";
    static final String BRANCH_YAML = "branch.yaml";

    /**
     * One established handshake: wall time from initiate to established, its token time, and when it was done
     * ({@link System#nanoTime()}).
     */
    record Sample(long nanos, long tokenMicros, long doneAt) {}

    private final Level logLevel;
    private final TokenSet tokens;
    private final IkeDaemon gateway;
    private final IkeDaemon branch;
    private final ConnectionConfig connection;

    private BenchDaemons(
            Level logLevel, TokenSet tokens, IkeDaemon gateway, IkeDaemon branch, ConnectionConfig connection) {
        this.logLevel = logLevel;
        this.tokens = tokens;
        this.gateway = gateway;
        this.branch = branch;
        this.connection = connection;
    }

    /**
     * Starts both daemons of {@code dir}, the gateway admitting {@code inFlight} handshakes from this one host.
     *
     * @param auditLog the gateway's audit log instead of the configured one, or null
     */
    static BenchDaemons start(Path dir, Path auditLog, int inFlight) throws Exception {
        Path gwFile = dir.resolve(GATEWAY_YAML);
        Path brFile = dir.resolve(BRANCH_YAML);
        for (Path f : List.of(gwFile, brFile)) {
            if (!Files.isRegularFile(f)) {
                throw new UsageException(f + " not found: --dir must be a directory made by ikeseal setup-demo");
            }
        }
        IkesealConfig gwConfig = IkesealConfig.load(gwFile);
        if (auditLog != null) {
            gwConfig = gwConfig.withAudit(new AuditConfig(auditLog.toAbsolutePath()));
        }
        IkesealConfig brConfig = IkesealConfig.load(brFile);
        ConnectionConfig conn = brConfig.connections().stream()
                .filter(c -> c.remote() != null)
                .findFirst()
                .orElseThrow(() -> new UsageException(brFile + " has no connection with a remote-address to initiate"));
        Level before = quiet();
        TokenSet tokens = null;
        IkeDaemon gateway = null;
        try {
            tokens = new TokenSet(gwConfig);
            IkeDaemon.Options options =
                    IkeDaemon.Options.defaults().withPorts(0, 0).withInstaller(NOWHERE);
            gateway = IkeDaemon.start(
                    gwConfig,
                    tokens,
                    options.withSettings(oneHost(gwConfig, inFlight).withClosedLinger(LINGER)));
            IkeDaemon branch = IkeDaemon.start(
                    toPort(brConfig, conn, gateway.ikePort()),
                    tokens,
                    options.withSettings(brConfig.ike().exchange().withClosedLinger(LINGER)));
            return new BenchDaemons(before, tokens, gateway, branch, conn);
        } catch (Exception | Error e) {
            if (gateway != null) {
                gateway.close();
            }
            if (tokens != null) {
                tokens.close();
            }
            restore(before);
            throw e;
        }
    }

    IkeDaemon gateway() {
        return gateway;
    }

    IkeDaemon branch() {
        return branch;
    }

    /** Time in token calls of both daemons so far, in microseconds (they share the tokens and the audit sink). */
    long tokenMicros() {
        return tokens.tokenTime().totalMicros();
    }

    /** The branch office's connection the handshakes initiate. */
    ConnectionConfig connection() {
        return connection;
    }

    /** One handshake, waited for. */
    IkeSaInfo establishOne() throws Exception {
        return branch.initiate(connection.name()).get(30, TimeUnit.SECONDS);
    }

    /**
     * Runs {@code n} handshakes, {@code inFlight} at a time, and leaves their SAs up; fails with the first failure's
     * message.
     */
    List<Sample> establish(int n, int inFlight) throws Exception {
        Queue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger started = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(n);
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            if (started.getAndIncrement() >= n) {
                return;
            }
            long t = System.nanoTime();
            var _ = branch.initiate(connection.name()).whenComplete((sa, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, Main.message(e.getCause() != null ? e.getCause() : e));
                } else {
                    long now = System.nanoTime();
                    samples.add(new Sample(now - t, sa.tokenMicros(), now));
                }
                done.countDown();
                next[0].run();
            });
        };
        for (int i = 0; i < Math.min(inFlight, n); i++) {
            next[0].run();
        }
        // Bounded: an initiator gives up on an unanswered exchange after its retransmissions (well under a minute).
        if (!done.await(60 + n / 10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(
                    "handshakes did not finish in time (" + done.getCount() + " of " + n + " open)");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a handshake failed: " + failure.get());
        }
        return new ArrayList<>(samples);
    }

    /** Deletes the SAs (the daemons' orderly stop: the branch office first, while the gateway answers), then closes. */
    @Override
    public void close() {
        try {
            try {
                try {
                    branch.close();
                } finally {
                    gateway.close();
                }
            } finally {
                tokens.close();
            }
        } finally {
            restore(logLevel);
        }
    }

    /**
     * How long a closed SA answers a retransmitted last request: on loopback nothing is lost, and the bench waits
     * for every SA to be gone, so the production 30 s would only be waiting.
     */
    private static final java.time.Duration LINGER = java.time.Duration.ofSeconds(1);

    /**
     * The gateway's settings with its per-address and per-prefix admission limits opened to the global one: here one
     * host runs K handshakes at once on purpose, and limits meant for the internet would measure themselves instead
     * of the tokens. Cookies past the global threshold still apply (RFC 7296 §2.6).
     */
    private static ExchangeSettings oneHost(IkesealConfig gw, int inFlight) {
        ExchangeSettings ex = gw.ike().exchange();
        AdmissionSettings a = ex.admission();
        int all = Math.max(a.halfOpenLimit(), inFlight + 1);
        return ex.withAdmission(new AdmissionSettings(all, all, all, all, all, a.refusalsPerSource(), a.refusals()));
    }

    /** The branch configuration with {@code conn} aimed at the gateway's actual IKE port. */
    private static IkesealConfig toPort(IkesealConfig c, ConnectionConfig conn, int port) {
        ConnectionConfig moved =
                conn.withRemote(new InetSocketAddress(conn.remote().getAddress(), port));
        List<ConnectionConfig> connections = c.connections().stream()
                .map(x -> x.name().equals(conn.name()) ? moved : x)
                .toList();
        return c.withConnections(connections);
    }

    /** A line per SA at INFO would be most of the output and part of the time: WARN unless --debug. */
    private static Level quiet() {
        Logger agent = (Logger) LoggerFactory.getLogger("io.ikeseal.agent");
        Level before = agent.getLevel();
        if (!((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).isDebugEnabled()) {
            agent.setLevel(Level.WARN);
        }
        return before;
    }

    private static void restore(Level before) {
        ((Logger) LoggerFactory.getLogger("io.ikeseal.agent")).setLevel(before);
    }

    /** No data plane: the benches measure the handshake and the SAs, not an installer. */
    private static final ChildSaInstaller NOWHERE = new ChildSaInstaller() {
        @Override
        public void install(ChildSaRecord sa, ChildSaKeys keys) {}

        @Override
        public void remove(ChildSaRecord sa) {}

        @Override
        public String toString() {
            return "nowhere";
        }
    };
}
