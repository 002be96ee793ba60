package io.ikeseal.agent.daemon;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.agent.exchange.TokenTimeMeter;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
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

    public TokenSet(IkesealConfig config) {
        this.config = config;
        this.audit = new TokenTimeMeter(HashChainedAuditLog.open(config.audit().log()));
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

    /** The tokens open now, by name, in the order they were opened (the control socket's token status). */
    public synchronized Map<String, Token> tokens() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(open));
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
