package io.ikeseal.hsm.startup;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.kx.KeyExchangeSelfTest;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.schedule.SealedScheduleSelfTest;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenCapabilities;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenLogin;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;

/**
 * Bringing a token up: log in (hsm.token), then prove the key-exchange role with the self-tests of the packages
 * that will use it (hsm.schedule's HKDF shapes, hsm.kx's key exchange per group, then the direct binding's calls
 * end to end), and only then hand out the token. It sits above token, kx and schedule so that token depends on neither.
 */
public final class TokenStartup {
    private static final Logger LOG = LoggerFactory.getLogger(Token.class);

    private TokenStartup() {}

    /**
     * Loads the module, chooses the slot, checks the token can serve its roles, logs in once and self-tests the
     * key-exchange role. A wrong PIN is reported, never retried: smartcards lock after a few failures.
     */
    public static Token open(TokenSpec spec, AuditSink audit) {
        TokenLogin login = TokenLogin.open(spec, audit);
        TokenCapabilities caps = login.capabilities();
        if (spec.roles().contains(TokenRole.KEY_EXCHANGE)) {
            if (spec.tier() == ResidencyTier.SEALED) {
                sealedScheduleSelfTest(login, caps);
            }
            caps = keyExchangeSelfTest(login, caps);
        }
        Token token = login.ready(caps);
        if (spec.roles().contains(TokenRole.KEY_EXCHANGE)) {
            try {
                DirectBindingSelfTest.run(token);
            } catch (TokenException e) {
                token.close();
                throw new TokenException(
                        "token '" + spec.name() + "' cannot serve role key-exchange at tier "
                                + spec.tier().configName() + ": " + e.getMessage(),
                        e.ckr(),
                        e);
            }
            token.onRecovery(recoveryCheck(token));
        }
        return token;
    }

    /**
     * What a reopened key-exchange token must do again before it takes calls (docs/tokens.md, "Faults and
     * recovery"): one key exchange in a group it served at start, and on a sealed token one PSK read and used, since
     * NSS softoken keeps doing session work while its key4.db is gone but cannot read stored keys.
     */
    private static Token.RecoveryCheck recoveryCheck(Token token) {
        DhGroup group = token.capabilities().dhGroups().iterator().next();
        ResidencyTier tier = token.tier();
        return (provider, keyStore) -> {
            String failure = KeyExchangeSelfTest.run(provider, group, tier);
            if (failure != null) {
                throw new TokenException(
                        "key-exchange self-test " + group.proposalName() + " failed: " + failure, failure, null);
            }
            if (tier == ResidencyTier.SEALED) {
                PresharedKeys.probe(provider, keyStore);
            }
        };
    }

    private static void sealedScheduleSelfTest(TokenLogin login, TokenCapabilities caps) {
        String name = login.spec().name();
        for (Prf prf : caps.sealedPrfs()) {
            long t0 = System.nanoTime();
            Instant start = Instant.now();
            try {
                SealedScheduleSelfTest.run(login.provider(), prf);
            } catch (TokenException e) {
                login.record(start, "self-test", prf.kdfAlgorithm(), e.ckr() != null ? e.ckr() : "failed", t0);
                throw new TokenException(
                        "token '" + name + "' cannot serve role key-exchange at tier sealed: " + e.getMessage(),
                        e.ckr(),
                        e);
            }
            login.record(start, "self-test", prf.kdfAlgorithm(), "ok", t0);
        }
    }

    private static TokenCapabilities keyExchangeSelfTest(TokenLogin login, TokenCapabilities caps) {
        String name = login.spec().name();
        Set<DhGroup> served = EnumSet.noneOf(DhGroup.class);
        for (DhGroup g : caps.dhGroups()) {
            long t0 = System.nanoTime();
            Instant start = Instant.now();
            String failure =
                    KeyExchangeSelfTest.run(login.provider(), g, login.spec().tier());
            String mech = g.kind() == DhGroup.Kind.ECP ? "CKM_ECDH1_DERIVE" : "CKM_DH_PKCS_DERIVE";
            login.record(start, "self-test", mech + "/" + g.proposalName(), failure == null ? "ok" : failure, t0);
            if (failure == null) {
                served.add(g);
            } else {
                LOG.warn(
                        "token '{}' lists {} but cannot complete a {} exchange ({}); not offering {}",
                        name,
                        mech,
                        g.proposalName(),
                        failure,
                        g.proposalName());
            }
        }
        if (served.isEmpty()) {
            throw new TokenException("token '" + name + "' cannot serve role key-exchange: no Diffie-Hellman "
                    + "group completed its start-up self-test (see the audit log for each group's error)");
        }
        return caps.withDhGroups(served);
    }
}
