package io.ikeseal.hsm.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * The start-up proof of the direct binding (docs/tokens.md, "Direct binding") runs on every key-exchange token before
 * it is handed out: on the sealed tier a key exchange and the IKE SA and CHILD_SA key schedule on its result, on the
 * compat tier a key exchange, each compared with software and audited with no SA named.
 */
class DirectBindingSelfTestTest {
    static final NssExtension nss = NssExtension.create().withName("direct-self-test");

    @RegisterExtension
    static final OpenTokenExtension sealed = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    static final SoftHsmExtension softHsm = SoftHsmExtension.create().withLabel("direct-self-test");

    @RegisterExtension
    static final OpenTokenExtension compat =
            OpenTokenExtension.softHsm(softHsm, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);

    @Test
    void aSealedTokenRanTheKeyExchangeAndTheScheduleAtStart() {
        assertEquals(
                List.of("dh-keygen:ok", "dh-derive:ok", "skeyseed:ok", "sk_d:ok", "prf+:ok", "child-keymat:ok"),
                directCalls(sealed));
        assertEquals(0, sealed.token().liveObjects().count(), "the self-test destroys what it made");
    }

    @Test
    void aCompatTokenRanTheKeyExchangeAtStart() {
        assertEquals(List.of("dh-keygen:ok", "dh-derive:ok"), directCalls(compat));
        assertEquals(0, compat.token().liveObjects().count(), "the self-test destroys what it made");
    }

    /** The token calls of the start-up (not the SunPKCS11 self-tests, the login or the tier notice), with result. */
    private static List<String> directCalls(OpenTokenExtension opened) {
        return opened.audit().records().stream()
                .filter(r ->
                        !r.operation().equals("self-test") && !r.operation().startsWith("tier-"))
                .filter(r -> !r.operation().equals("login") && !r.operation().startsWith("token-"))
                .map(r -> r.operation() + ":" + r.result())
                .toList();
    }
}
