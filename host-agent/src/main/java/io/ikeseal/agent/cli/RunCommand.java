package io.ikeseal.agent.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import io.ikeseal.agent.config.ConnectionConfig;
import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.LogFormat;
import io.ikeseal.agent.config.MetricsConfig;
import io.ikeseal.agent.daemon.ConnectionSupervisor;
import io.ikeseal.agent.daemon.DaemonMetrics;
import io.ikeseal.agent.daemon.IkeDaemon;
import io.ikeseal.agent.daemon.SystemdNotify;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.agent.logging.LogOutput;
import io.ikeseal.agent.metrics.MetricsEndpoint;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * {@code ikeseal run --config FILE}: the daemon. Opens the configuration's tokens once, binds the listen addresses,
 * initiates the connections marked {@code initiate: true} (once; a failure is logged, not retried), prints one line
 * per SA event on stdout, and runs until SIGTERM or SIGINT. Stopping deletes the established IKE SAs (INFORMATIONAL
 * Delete, RFC 7296 §1.4.1) before the tokens and the audit log are closed, then exits 0 (1 if the audit log could not be written at that point).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run the IKEv2 daemon until SIGTERM or SIGINT: respond on the listen addresses, initiate "
                    + "connections with initiate: true at start, print one line per SA event (never a key).",
            "Stopping deletes the IKE SAs (INFORMATIONAL Delete), closes the tokens and the audit log, and exits 0; 1 if the audit log could not be written at that point."
        })
final class RunCommand implements Callable<Integer> {
    /** How long a stop may take: the Delete exchanges' bounded wait plus closing tokens and the audit log. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(15);

    private final CliContext ctx;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--log-format",
            paramLabel = "text|json",
            description = "Log lines (stderr) and SA event lines (stdout) as text or as one JSON object per line;"
                    + " overrides logging.format.")
    String logFormat;

    RunCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        IkesealConfig c = config.load();
        LogFormat format = logFormat(c);
        LogOutput.use(format);
        SaEventLog log = new SaEventLog(ctx.out(), Clock.systemUTC(), format);
        TokenSet tokens = new TokenSet(c);
        IkeDaemon daemon;
        try {
            daemon = IkeDaemon.start(c, tokens, IkeDaemon.Options.defaults().withEvents(log));
        } catch (Exception | Error e) {
            closeQuietly(tokens, e);
            throw e;
        }
        log.line("running: " + c.file().getFileName() + ", connections " + names(c) + ", listening on "
                + SaLines.sockets(daemon));
        MetricsEndpoint metrics;
        try {
            metrics = metrics(c.observability().metrics(), daemon, tokens, log);
        } catch (Exception | Error e) {
            daemon.close();
            closeQuietly(tokens, e);
            throw e;
        }
        // Type=notify: the unit is started once the tokens are open and the sockets bound (docs/operations.md)
        SystemdNotify notify = SystemdNotify.fromEnvironment(System.getenv());
        notify.ready(names(c).size() + " connection(s), listening on " + SaLines.sockets(daemon));

        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger exit = new AtomicInteger(ExitCode.OK);
        Thread hook = new Thread(
                () -> {
                    stopRequested.countDown();
                    try {
                        if (!stopped.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                            exit.set(ExitCode.FAILURE);
                        }
                    } catch (InterruptedException e) {
                        exit.set(ExitCode.FAILURE);
                    }
                    ctx.out().flush();
                    ctx.err().flush();
                    // A stop on request is a clean end: exit as ExitCode says, not with 128 + the signal's number.
                    Runtime.getRuntime().halt(exit.get());
                },
                "ikeseal-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            // initiate: true connections, retried with backoff until up; restarts per close-action/dpd-action
            var _ = daemon.supervise(ConnectionSupervisor.Backoff.DEFAULT, log::line);
            StatusLine status = new StatusLine(daemon, log);
            long waitMs = Math.min(
                    StatusLine.EVERY.toMillis(),
                    notify.watchdogInterval().map(Duration::toMillis).orElse(Long.MAX_VALUE));
            while (!stopRequested.await(waitMs, TimeUnit.MILLISECONDS)) {
                notify.watchdogPing();
                status.tick();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            notify.stopping();
            if (metrics != null) {
                metrics.close();
            }
            exit.set(stop(daemon, tokens, log));
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook itself asked us to stop and exits the JVM
            }
        }
        return exit.get();
    }

    private LogFormat logFormat(IkesealConfig c) {
        if (logFormat == null) {
            return c.observability().logFormat();
        }
        return switch (logFormat) {
            case "text" -> LogFormat.TEXT;
            case "json" -> LogFormat.JSON;
            default -> throw new UsageException("--log-format: '" + logFormat + "': expected text or json");
        };
    }

    /** The Prometheus endpoint when the configuration asks for one (docs/operations-obs.md). */
    private static MetricsEndpoint metrics(MetricsConfig m, IkeDaemon daemon, TokenSet tokens, SaEventLog log)
            throws java.io.IOException {
        if (m == null) {
            return null;
        }
        MetricsEndpoint e = MetricsEndpoint.start(m.listen(), List.of(new DaemonMetrics(daemon, tokens)));
        log.line("metrics: http://" + IkeSaInfo.address(e.address()) + "/metrics");
        return e;
    }

    private int stop(IkeDaemon daemon, TokenSet tokens, SaEventLog log) {
        int established = daemon.gateway().established().size();
        log.line("stopping: deleting " + established + " IKE SA(s)");
        int rc = ExitCode.OK;
        try {
            daemon.close();
        } catch (RuntimeException e) {
            ctx.err().println("ikeseal: stopping the daemon: " + Main.message(e));
            rc = ExitCode.FAILURE;
        }
        try {
            tokens.close();
        } catch (RuntimeException e) {
            ctx.err().println("ikeseal: closing tokens and audit log: " + Main.message(e));
            rc = ExitCode.FAILURE;
        }
        if (tokens.audit().broken()) { // it refused token work, hence new SAs, until now: not a clean stop
            ctx.err().println("ikeseal: stopped while the audit log could not be written (see the ERROR above)");
            rc = ExitCode.FAILURE;
        }
        log.line(rc == ExitCode.OK ? "stopped" : "stopped with errors");
        return rc;
    }

    static void closeQuietly(AutoCloseable resource, Throwable primary) {
        try {
            resource.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    static List<String> names(IkesealConfig c) {
        return c.connections().stream().map(ConnectionConfig::name).toList();
    }
}
