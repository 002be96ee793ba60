package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.ProviderException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.kx.KxTestSupport.SoftPeer;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenHealth;
import io.ikeseal.hsm.token.TokenOperation;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/** The key share pool on a real NSS token: distinct single-use pairs, refilled, counted apart, dropped on recovery. */
class KeySharePoolTest {
    private static final long WAIT_MILLIS = 20_000;
    private static final AuditContext SA = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.9");

    static final NssExtension nss = NssExtension.create().withName("pool");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    private final List<KeySharePool> pools = new ArrayList<>();

    @AfterEach
    void closePools() {
        pools.forEach(KeySharePool::close);
    }

    private KeySharePool pool(int perGroup) {
        KeySharePool p = new KeySharePool(new KeyExchange(opened.token()), perGroup);
        pools.add(p);
        return p;
    }

    @Test
    void handsOutDistinctWorkingPairsOnceEachAndRefills() throws Exception {
        Token t = opened.token();
        KeySharePool pool = pool(3);
        long live = t.liveObjects().count();
        opened.audit().clear();
        pool.fill(List.of(DhGroup.ECP_256));
        waitFor(() -> pool.pooled() == 3, "pool filled");
        assertEquals(live, t.liveObjects().count(), "pooled pairs are not the token's live objects");

        Set<String> seen = new HashSet<>();
        KeyExchange kx = new KeyExchange(t);
        for (int i = 0; i < 6; i++) { // twice the pool: the later ones come from refills
            DhKeyPair p = null;
            for (int tries = 0; p == null && tries < 2000; tries++) {
                p = pool.take(DhGroup.ECP_256).orElse(null);
                if (p == null) {
                    Thread.sleep(5);
                }
            }
            assertTrue(p != null, "the pool refilled");
            assertEquals(live + 1, t.liveObjects().count(), "a pair handed out counts as live");
            assertTrue(seen.add(HexFormat.of().formatHex(p.keyExchangeData())), "each pair handed out once");
            SoftPeer peer = SoftPeer.generate(DhGroup.ECP_256);
            SealedKey gir = await(kx.agree(p, peer.keData(), SA));
            gir.destroy();
            assertTrue(p.isDestroyed(), "single use");
            assertEquals(live, t.liveObjects().count());
        }
        waitFor(() -> pool.pooled() == 3, "pool refilled after the takes");
        List<AuditRecord> keygens = opened.audit().byOperation("dh-keygen");
        assertTrue(keygens.size() >= 9, "every pooled pair audited: " + keygens.size());
        for (AuditRecord r : keygens) {
            assertEquals("pool:dh-ecp256", r.keyRef());
            assertNull(r.context().ikeSpiI(), "a pooled pair belongs to no SA when made");
        }
    }

    @Test
    void anEmptyOrDisabledPoolHandsOutNothingAndTheCallerGeneratesInline() {
        assertTrue(pool(0).take(DhGroup.ECP_256).isEmpty(), "0 is off");
        KeySharePool pool = pool(2);
        assertTrue(pool.take(DhGroup.ECP_256).isEmpty(), "nothing pooled yet: the first share is generated inline");
        assertThrows(IllegalArgumentException.class, () -> pool(-1));
    }

    @Test
    void closeDestroysEveryPooledPair() throws Exception {
        Token t = opened.token();
        long live = t.liveObjects().count();
        KeySharePool pool = pool(4);
        pool.fill(List.of(DhGroup.ECP_256, DhGroup.ECP_384));
        waitFor(() -> pool.pooled() == 8, "both groups filled");
        pool.close();
        assertEquals(0, pool.pooled());
        assertTrue(pool.take(DhGroup.ECP_256).isEmpty(), "a closed pool hands out nothing");
        Thread.sleep(200);
        assertEquals(0, pool.pooled(), "and makes no more");
        assertEquals(live, t.liveObjects().count());
    }

    @Test
    void aTokenRecoveryDropsThePool() throws Exception {
        Token t = opened.token();
        KeySharePool pool = pool(2);
        pool.fill(List.of(DhGroup.ECP_256));
        waitFor(() -> pool.pooled() == 2, "pool filled");
        int generation = t.health().generation();
        TokenOperation op = new TokenOperation("probe", "-", "k");
        assertThrows(
                TokenException.class,
                () -> await(t.call(op, null, () -> {
                    throw new ProviderException("C_Derive failed", new PKCS11Exception(0x30L, null)); // DEVICE_ERROR
                })));
        waitFor(
                () -> t.health().state() == TokenHealth.State.READY
                        && t.health().generation() == generation + 1,
                "token reopened");
        var taken = pool.take(DhGroup.ECP_256);
        assertTrue(taken.isEmpty(), "pairs of the old session are dropped, not handed out");
        waitFor(() -> pool.pooled() == 2, "refilled in the new session");
        DhKeyPair fresh = pool.take(DhGroup.ECP_256).orElseThrow();
        assertFalse(fresh.isDestroyed());
        SealedKey gir = await(new KeyExchange(t)
                .agree(fresh, SoftPeer.generate(DhGroup.ECP_256).keData(), SA));
        gir.destroy();
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what + " within " + WAIT_MILLIS + " ms");
    }
}
