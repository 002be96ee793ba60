package io.ikeseal.agent.cli;

import java.util.ArrayList;
import java.util.List;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.config.TokenConfig;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.hsm.token.Token;

/** The configuration's audit log and the tokens a command opened; closes tokens first, then the log. */
final class TokenSession implements AutoCloseable {
    private final AuditSink audit;
    private final List<Token> open = new ArrayList<>();

    TokenSession(IkesealConfig config) {
        this.audit = HashChainedAuditLog.open(config.audit().log());
    }

    AuditSink audit() {
        return audit;
    }

    /** Opens (loads, logs in to, self-tests) a configured token; it is closed with the session. */
    Token open(TokenConfig config) {
        Token t = Token.open(config.toTokenSpec(), audit);
        open.add(t);
        return t;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (Token t : open.reversed()) {
            try {
                t.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
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
