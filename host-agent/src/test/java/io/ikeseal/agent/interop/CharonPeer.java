package io.ikeseal.agent.interop;

import java.time.Duration;

import io.ikeseal.agent.config.IkesealConfig;
import io.ikeseal.agent.daemon.TestDeployment;
import io.ikeseal.agent.daemon.TokenSet;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.strongswan.Charon;
import io.ikeseal.testhsm.strongswan.CharonIdentity;
import io.ikeseal.testhsm.strongswan.IkeSa;

/**
 * What the tests against strongSwan share: the ikeseal deployment, a charon that trusts its CA and holds
 * certificates it issued for {@link #CHARON_ID}, the deployment's tokens opened once (when asked for), and the end
 * of every SA charon still has after a test.
 */
final class CharonPeer implements AutoCloseable {
    static final String CHARON_ID = "charon.ikeseal.test";
    static final Duration TERMINATE_WAIT = Duration.ofSeconds(15);

    private final Charon charon;
    private final TestDeployment deployment;
    private final TokenSet tokens;

    private CharonPeer(Charon charon, TestDeployment deployment, TokenSet tokens) {
        this.charon = charon;
        this.deployment = deployment;
        this.tokens = tokens;
    }

    /** {@code charon} trusts {@code deployment}'s CA; with {@code openTokens} the deployment's tokens are opened. */
    static CharonPeer of(Charon charon, TestDeployment deployment, boolean openTokens) throws Exception {
        charon.trust(deployment.ca());
        TokenSet tokens =
                openTokens ? new TokenSet(IkesealConfig.load(deployment.writeConfig("tokens", "audit.log", ""))) : null;
        return new CharonPeer(charon, deployment, tokens);
    }

    /** A key and certificate for charon (subject CN=charon.ikeseal.test), issued by the deployment's CA. */
    String certificate(String name, KeyKind kind) throws Exception {
        return charon.install(CharonIdentity.generate(
                IdentitySpec.of(name, kind, "CN=" + CHARON_ID + ",O=ikeseal test", CHARON_ID), deployment.ca()));
    }

    TestDeployment deployment() {
        return deployment;
    }

    TokenSet tokens() {
        if (tokens == null) {
            throw new IllegalStateException("this peer's deployment was set up without open tokens");
        }
        return tokens;
    }

    /** After a test: charon ends every IKE SA it still has. */
    void terminateAll() {
        for (IkeSa sa : charon.listSas()) {
            charon.terminateIke(sa.uniqueId(), TERMINATE_WAIT);
        }
    }

    @Override
    public void close() {
        if (tokens != null) {
            tokens.close();
        }
        deployment.close();
    }
}
