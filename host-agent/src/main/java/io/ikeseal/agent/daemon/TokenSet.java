package io.ikeseal.agent.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.SyslogConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.exchange.TokenTimeMeter;
import io.ikeseal.agent.metrics.TokenMetrics;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.hsm.audit.Rfc5424;
import io.ikeseal.hsm.audit.SyslogMirror;
import io.ikeseal.hsm.audit.SyslogTarget;
import io.ikeseal.hsm.audit.UdpSyslogTarget;
import io.ikeseal.hsm.token.Token;

/**
 * The configuration's audit log and the tokens opened on it, each at most once (a PKCS#11 module is initialized
 * once per process, and a smartcard wants one login). Daemons and CLI commands share one set; closing it closes the
 * tokens first, then the log.
 */
public final class TokenSet implements AutoCloseable {
    private final IkesealConfig config;
    private final TokenTimeMeter audit;
    private final Map<String, Token> open = new LinkedHashMap<>();
    private final TokenMetrics metrics = new TokenMetrics();
    private final SyslogMirror mirror;

    public TokenSet(IkesealConfig config) {
        this.config = config;
        HashChainedAuditLog log = HashChainedAuditLog.open(config.audit().log());
        log.observeFlushes(metrics);
        SyslogConfig syslog = config.audit().syslog();
        try {
            this.mirror = syslog == null ? null : mirror(log, syslog);
        } catch (IOException e) {
            log.close();
            throw new UncheckedIOException("audit.syslog: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        this.audit = new TokenTimeMeter(mirror != null ? mirror : log);
    }

    /** The log with copies to syslog (docs/operations-obs.md): the file first, the copies best effort. */
    private static SyslogMirror mirror(AuditSink log, SyslogConfig syslog) throws IOException {
        List<SyslogTarget> targets = new ArrayList<>();
        try {
            if (syslog.udp() != null) {
                targets.add(new UdpSyslogTarget(syslog.udp()));
            }
            if (syslog.socket() != null) {
                targets.add(new UnixSyslogTarget(syslog.socket()));
            }
        } catch (IOException | RuntimeException e) {
            targets.forEach(SyslogTarget::close);
            throw e;
        }
        String host;
        try { // the kernel's name for this host: no resolver, which could hang
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            host = "-";
        }
        return new SyslogMirror(
                log,
                new Rfc5424(
                        syslog.facility(),
                        host,
                        "ikeseal",
                        ProcessHandle.current().pid()),
                targets);
    }

    /** Token operation latency and audit flushes, for the metrics endpoint. */
    public TokenMetrics metrics() {
        return metrics;
    }

    /** The audit log's syslog copies, when configured. */
    public Optional<SyslogMirror> mirror() {
        return Optional.ofNullable(mirror);
    }

    /** The tokens open now, by name. */
    public synchronized Map<String, Token> tokens() {
        return Map.copyOf(open);
    }

    /** Every record goes to the hash-chained log; token time is also summed per IKE SA. */
    public AuditSink audit() {
        return audit;
    }

    public TokenTimeMeter tokenTime() {
        return audit;
    }

    /**
     * Opens (loads, logs in to, self-tests) a configured token, or returns it if already open. A token entry that
     * cannot work (no PIN, not a PKCS#11 module) fails with a {@code ConfigException} naming its key.
     */
    public synchronized Token open(TokenConfig token) {
        Token t = open.get(token.name());
        if (t == null) {
            t = StartupChecks.open(config, token, audit);
            t.observe(metrics);
            open.put(token.name(), t);
        }
        return t;
    }

    /** Per open token, the handles to its objects handed out and not yet destroyed (docs/tokens.md). */
    public synchronized Map<String, Long> liveObjects() {
        Map<String, Long> live = new LinkedHashMap<>();
        open.forEach((name, t) -> live.put(name, t.liveObjects().count()));
        return live;
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (Token t : open.values().stream().toList().reversed()) {
            try {
                t.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        open.clear();
        try {
            audit.close();
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
