package io.ikeseal.hsm;

import java.util.function.Function;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * One {@link Token} per test class, opened through {@link TestTokens} over a test-hsm fixture and auditing into a
 * {@link MemoryAuditSink}. Register only this extension, not the fixture: it starts the fixture, opens the token,
 * and after all tests closes the token before the fixture. (JUnit orders several {@code @RegisterExtension} fields
 * in a deterministic but unspecified way, so the fixture is not registered on its own.)
 * <pre>{@code
 * static final NssExtension nss = NssExtension.create().withName("kx");
 * @RegisterExtension
 * static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
 * }</pre>
 * The fixture stays reachable through its own field (for {@code nss.token().keyStore()},
 * {@code smartcard.identity(alias)} and the like).
 */
public final class OpenTokenExtension implements BeforeAllCallback, AfterAllCallback {
    private final BeforeAllCallback fixtureStart;
    private final AfterAllCallback fixtureEnd;
    private final Function<MemoryAuditSink, Token> open;
    private final MemoryAuditSink audit = TestTokens.memoryAudit();
    private Token token;

    private <F extends BeforeAllCallback & AfterAllCallback> OpenTokenExtension(
            F fixture, Function<MemoryAuditSink, Token> open) {
        this.fixtureStart = fixture;
        this.fixtureEnd = fixture;
        this.open = open;
    }

    public static OpenTokenExtension nss(NssExtension fixture, ResidencyTier tier, TokenRole... roles) {
        return new OpenTokenExtension(fixture, audit -> TestTokens.nss(fixture.token(), audit, tier, roles));
    }

    public static OpenTokenExtension softHsm(SoftHsmExtension fixture, ResidencyTier tier, TokenRole... roles) {
        return new OpenTokenExtension(fixture, audit -> TestTokens.softHsm(fixture.token(), audit, tier, roles));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        fixtureStart.beforeAll(context);
        token = open.apply(audit);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            closeToken();
        } finally {
            fixtureEnd.afterAll(context);
        }
    }

    public Token token() {
        if (token == null) {
            throw new IllegalStateException("no token open: register OpenTokenExtension on a static field");
        }
        return token;
    }

    /** Every audit record the token wrote, from its start-up on (unless a test cleared them). */
    public MemoryAuditSink audit() {
        return audit;
    }

    /**
     * Closes the token (logout) and opens it again on the same fixture, auditing into the same sink: what a daemon
     * restart does to token objects. Later {@link #token()} calls return the new token.
     */
    public Token reopen() {
        token();
        closeToken();
        token = open.apply(audit);
        return token;
    }

    private void closeToken() {
        if (token != null) {
            Token t = token;
            token = null;
            t.close();
        }
    }
}
