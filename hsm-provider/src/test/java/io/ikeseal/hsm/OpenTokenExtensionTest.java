package io.ikeseal.hsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenOperation;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * The extension's own life cycle on real fixtures, driven the way JUnit drives a static {@code @RegisterExtension}
 * (beforeAll, the tests, afterAll even when beforeAll failed). The fixtures ignore the ExtensionContext.
 */
class OpenTokenExtensionTest {
    @Test
    void startsTheFixtureThenOpensTheTokenAndClosesBoth() throws Exception {
        NssExtension nss = NssExtension.create().withName("open-token");
        OpenTokenExtension ext = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
        assertThrows(IllegalStateException.class, ext::token, "no token before beforeAll");
        assertThrows(IllegalStateException.class, nss::token, "the fixture starts in beforeAll, not before");
        Token first;
        Token second;
        ext.beforeAll(null);
        try {
            first = ext.token();
            assertEquals("nss-open-token", first.name());
            assertEquals(ResidencyTier.SEALED, first.tier());
            assertEquals(1, ext.audit().byOperation("login").size(), "start-up is audited into the sink");

            second = ext.reopen();
            assertNotSame(first, second);
            assertSame(second, ext.token());
            assertClosed(first);
            assertEquals(2, ext.audit().byOperation("login").size(), "the reopened token audits into the same sink");
        } finally {
            ext.afterAll(null);
        }
        assertClosed(second);
        assertThrows(IllegalStateException.class, ext::token, "no token after afterAll");
        assertThrows(IllegalStateException.class, nss::token, "the fixture is closed too");
    }

    @Test
    void aTokenThatCannotOpenStillLeavesItsFixtureToBeClosed() throws Exception {
        SoftHsmExtension softHsm = SoftHsmExtension.create().withLabel("open-fails");
        OpenTokenExtension ext = OpenTokenExtension.softHsm(softHsm, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
        TokenException e = assertThrows(TokenException.class, () -> ext.beforeAll(null));
        assertTrue(e.getMessage().contains("missing CKM_HKDF_DERIVE"), e.getMessage());
        softHsm.token(); // started before the token was tried
        assertThrows(IllegalStateException.class, ext::token);
        ext.afterAll(null);
        assertThrows(IllegalStateException.class, softHsm::token, "the fixture is closed");
    }

    private static void assertClosed(Token t) {
        TokenException e = assertThrows(
                TokenException.class,
                () -> Token.await(t.call(new TokenOperation("test-closed", "none", "none"), null, () -> null)));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }
}
