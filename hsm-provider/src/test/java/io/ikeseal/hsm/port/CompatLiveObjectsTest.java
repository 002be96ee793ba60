package io.ikeseal.hsm.port;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/** At tier compat the port counts the same handles as sealed (docs/tokens.md, "Live token objects"). */
class CompatLiveObjectsTest {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");
    static final NssExtension nss = NssExtension.create().withName("live-compat");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);

    @Test
    void anIkeSaHoldsOneSkDPerEndAndTheRestIsDestroyed() {
        TokenIkeCrypto c = TokenIkeCrypto.of(opened.token());
        SecureRandom random = new SecureRandom();
        byte[] ni = new byte[32];
        byte[] nr = new byte[32];
        random.nextBytes(ni);
        random.nextBytes(nr);
        long start = c.liveObjects();
        KeyShare i = await(c.generateShare(DhGroup.ECP_256, CTX));
        KeyShare r = await(c.generateShare(DhGroup.ECP_256, CTX));
        byte[] iKe = i.keyExchangeData();
        IkeSaKeyInputs in =
                new IkeSaKeyInputs(Prf.HMAC_SHA2_256, ni, nr, IkeSaKeyInputs.spi(1), IkeSaKeyInputs.spi(2), 32, 16);
        IkeSaSecrets a = await(c.ikeSaKeys(i, r.keyExchangeData(), in, CTX));
        IkeSaSecrets b = await(c.ikeSaKeys(r, iKe, in, CTX));
        assertEquals(start + 2, c.liveObjects());
        HostKey k = await(c.childKeymat(Prf.HMAC_SHA2_256, a.skD(), null, null, ni, nr, 64, CTX));
        assertEquals(start + 2, c.liveObjects());
        k.destroy();
        a.destroy();
        b.destroy();
        assertEquals(start, c.liveObjects());
    }
}
