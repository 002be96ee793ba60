package io.ikeseal.hsm.port;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.kx.KeyExchangeData;
import io.ikeseal.hsm.kx.ReusedKeyShare;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/** RFC 7296 §2.12 reuse of a responder's key share: off by default, bounded in uses and time, one token object. */
class ReusedKeyShareTest {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.6");
    static final NssExtension nss = NssExtension.create().withName("reuse");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    @Test
    void offByDefaultEveryResponseHasAFreshShare() {
        TokenIkeCrypto c = TokenIkeCrypto.of(opened.token());
        KeyShare a = await(c.responderShare(DhGroup.ECP_256, CTX));
        KeyShare b = await(c.responderShare(DhGroup.ECP_256, CTX));
        assertFalse(Arrays.equals(a.keyExchangeData(), b.keyExchangeData()));
        a.destroy();
        b.destroy();
    }

    @Test
    void responsesShareOneKeyForItsUsesThenANewOneAndInitiatorsNever() throws Exception {
        long live = opened.token().liveObjects().count();
        TokenIkeCrypto c = TokenIkeCrypto.of(opened.token(), 0, Duration.ofMinutes(1), 3);
        try {
            KeyShare first = await(c.responderShare(DhGroup.ECP_256, CTX));
            KeyShare second = await(c.responderShare(DhGroup.ECP_256, CTX));
            KeyShare third = await(c.responderShare(DhGroup.ECP_256, CTX));
            KeyShare fourth = await(c.responderShare(DhGroup.ECP_256, CTX));
            assertArrayEquals(first.keyExchangeData(), second.keyExchangeData());
            assertArrayEquals(first.keyExchangeData(), third.keyExchangeData());
            assertFalse(Arrays.equals(first.keyExchangeData(), fourth.keyExchangeData()), "3 uses, then a new key");
            KeyShare initiator = await(c.generateShare(DhGroup.ECP_256, CTX));
            assertFalse(Arrays.equals(fourth.keyExchangeData(), initiator.keyExchangeData()), "never for initiators");
            initiator.destroy();

            // Each lease derives its own g^ir with its own peer; the key stays for the others meanwhile.
            KeyExchange kx = new KeyExchange(opened.token());
            for (KeyShare lease : new KeyShare[] {first, second}) {
                SealedKey gir = await(kx.agree((ReusedKeyShare.Lease) lease, peer(), CTX));
                gir.destroy();
                assertTrue(lease.isDestroyed(), "a lease is used once");
            }
            assertEquals(
                    live + 2, opened.token().liveObjects().count(), "two keys: the spent one (third in use), the new");
            third.destroy();
            assertEquals(live + 1, opened.token().liveObjects().count(), "the spent key went with its last lease");
            fourth.destroy();
        } finally {
            c.close();
        }
        assertEquals(live, opened.token().liveObjects().count(), "close retires the current key");
    }

    @Test
    void aReusedShareExpires() throws Exception {
        long live = opened.token().liveObjects().count();
        TokenIkeCrypto c = TokenIkeCrypto.of(opened.token(), 0, Duration.ofMillis(200), 100);
        try {
            KeyShare first = await(c.responderShare(DhGroup.ECP_256, CTX));
            first.destroy();
            for (int i = 0; i < 300 && opened.token().liveObjects().count() != live; i++) {
                Thread.sleep(10);
            }
            assertEquals(live, opened.token().liveObjects().count(), "destroyed when its time is up, unasked");
            KeyShare later = await(c.responderShare(DhGroup.ECP_256, CTX));
            assertFalse(Arrays.equals(first.keyExchangeData(), later.keyExchangeData()));
            later.destroy();
        } finally {
            c.close();
        }
    }

    private static byte[] peer() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return KeyExchangeData.encode(DhGroup.ECP_256, g.generateKeyPair().getPublic());
    }
}
