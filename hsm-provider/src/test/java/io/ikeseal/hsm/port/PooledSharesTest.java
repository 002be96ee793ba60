package io.ikeseal.hsm.port;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/** The port with a key share pool: shares come from the pool when it has one, inline otherwise; close empties it. */
class PooledSharesTest {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.8");
    static final NssExtension nss = NssExtension.create().withName("pooled");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    @Test
    void sharesComeFromThePoolAndCloseDestroysWhatIsLeft() throws Exception {
        long live = opened.token().liveObjects().count();
        TokenIkeCrypto c = TokenIkeCrypto.of(opened.token(), 2);
        try {
            // Nothing pooled yet: generated inline, and the pool starts filling.
            KeyShare first = await(c.generateShare(DhGroup.ECP_256, CTX));
            for (int i = 0; i < 2000 && c.pooledShares() < 2; i++) {
                Thread.sleep(5);
            }
            assertEquals(2, c.pooledShares());
            var pooled = c.generateShare(DhGroup.ECP_256, CTX);
            assertTrue(pooled.isDone(), "a pooled share is there at once");
            KeyShare second = await(pooled);
            assertEquals(live + 2, c.liveObjects(), "shares handed out are live objects; pooled ones are not");
            first.destroy();
            second.destroy();
            c.fillPool(List.of(DhGroup.ECP_384));
            for (int i = 0; i < 2000 && c.pooledShares() < 4; i++) { // 2 ecp256 (refilled), 2 ecp384
                Thread.sleep(5);
            }
            assertEquals(4, c.pooledShares());
        } finally {
            c.close();
        }
        // A refill in flight at close destroys its pair when it lands.
        for (int i = 0; i < 2000 && c.pooledShares() > 0; i++) {
            Thread.sleep(5);
        }
        assertEquals(0, c.pooledShares());
        assertEquals(live, opened.token().liveObjects().count());
    }
}
