package io.ikeseal.hsm.port;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import org.junit.jupiter.api.BeforeAll;
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
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * The port's live token objects on a sealed NSS token (issue 10 item 6): every operation destroys its intermediate
 * handles, so a live IKE SA holds exactly its SK_d; a rekey adds the new SK_d and leaves the old one to its owner;
 * CHILD_SA KEYMAT and PSK AUTH leave nothing behind. The tests run one after another on one token, so each compares
 * with the count it started from.
 */
class LiveObjectsTest {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");
    static final NssExtension nss = NssExtension.create().withName("live");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    private static TokenIkeCrypto crypto() {
        return TokenIkeCrypto.of(opened.token());
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static IkeSaKeyInputs inputs(int spiI, int spiR) {
        return new IkeSaKeyInputs(
                Prf.HMAC_SHA2_256, random(32), random(32), IkeSaKeyInputs.spi(spiI), IkeSaKeyInputs.spi(spiR), 32, 16);
    }

    @BeforeAll
    static void theStartUpSelfTestsLeaveNoObjectBehind() {
        assertEquals(0, crypto().liveObjects());
    }

    @Test
    void aShareCountsUntilDestroyedOnceAndDestroyingAgainChangesNothing() {
        TokenIkeCrypto c = crypto();
        long start = c.liveObjects();
        KeyShare s = await(c.generateShare(DhGroup.ECP_256, CTX));
        KeyShare m = await(c.generateShare(DhGroup.MODP_2048, CTX));
        assertEquals(start + 2, c.liveObjects());
        s.destroy();
        s.destroy();
        assertEquals(start + 1, c.liveObjects());
        m.destroy();
        assertEquals(start, c.liveObjects());
    }

    @Test
    void afterIkeSaKeysOnlySkDRemainsAndAfterARekeyOnlyTheNewSkD() {
        for (DhGroup g : new DhGroup[] {DhGroup.ECP_256, DhGroup.MODP_2048}) {
            TokenIkeCrypto c = crypto();
            long start = c.liveObjects();
            KeyShare i = await(c.generateShare(g, CTX));
            KeyShare r = await(c.generateShare(g, CTX));
            byte[] iKe = i.keyExchangeData();
            IkeSaKeyInputs in = inputs(1, 2);
            IkeSaSecrets a = await(c.ikeSaKeys(i, r.keyExchangeData(), in, CTX));
            IkeSaSecrets b = await(c.ikeSaKeys(r, iKe, in, CTX));
            assertEquals(start + 2, c.liveObjects(), g + ": one SK_d per side; g^ir and SKEYSEED are gone");

            KeyShare i2 = await(c.generateShare(g, CTX));
            KeyShare r2 = await(c.generateShare(g, CTX));
            byte[] i2Ke = i2.keyExchangeData();
            IkeSaKeyInputs rekey = inputs(3, 4);
            IkeSaSecrets a2 =
                    await(c.rekeyedIkeSaKeys(a.skD(), Prf.HMAC_SHA2_256, i2, r2.keyExchangeData(), rekey, CTX));
            IkeSaSecrets b2 = await(c.rekeyedIkeSaKeys(b.skD(), Prf.HMAC_SHA2_256, r2, i2Ke, rekey, CTX));
            assertEquals(start + 4, c.liveObjects(), g + ": the new SK_d per side; the old ones are the caller's");
            a.destroy();
            b.destroy();
            b.destroy();
            assertEquals(start + 2, c.liveObjects(), g + ": the rekeyed SAs' SK_d only");
            a2.destroy();
            b2.destroy();
            assertEquals(start, c.liveObjects());
        }
    }

    @Test
    void childKeymatWithAndWithoutPfsLeavesNothingNew() {
        TokenIkeCrypto c = crypto();
        KeyShare i = await(c.generateShare(DhGroup.ECP_256, CTX));
        KeyShare r = await(c.generateShare(DhGroup.ECP_256, CTX));
        byte[] iKe = i.keyExchangeData();
        IkeSaKeyInputs in = inputs(5, 6);
        IkeSaSecrets a = await(c.ikeSaKeys(i, r.keyExchangeData(), in, CTX));
        IkeSaSecrets b = await(c.ikeSaKeys(r, iKe, in, CTX));
        long withSa = c.liveObjects();

        HostKey plain = await(c.childKeymat(Prf.HMAC_SHA2_256, a.skD(), null, null, random(32), random(32), 64, CTX));
        assertEquals(withSa, c.liveObjects(), "KEYMAT is a host key");
        KeyShare i3 = await(c.generateShare(DhGroup.ECP_256, CTX));
        KeyShare r3 = await(c.generateShare(DhGroup.ECP_256, CTX));
        byte[] i3Ke = i3.keyExchangeData();
        assertEquals(withSa + 2, c.liveObjects());
        byte[] ni = random(32);
        byte[] nr = random(32);
        HostKey pfsA = await(c.childKeymat(Prf.HMAC_SHA2_256, a.skD(), i3, r3.keyExchangeData(), ni, nr, 64, CTX));
        HostKey pfsB = await(c.childKeymat(Prf.HMAC_SHA2_256, b.skD(), r3, i3Ke, ni, nr, 64, CTX));
        assertEquals(withSa, c.liveObjects(), "the PFS shares and their g^ir are gone");
        plain.destroy();
        pfsA.destroy();
        pfsB.destroy();
        a.destroy();
        b.destroy();
        assertEquals(withSa - 2, c.liveObjects());
    }

    @Test
    void pskAuthAndAFailedAgreementLeaveNothing() {
        TokenIkeCrypto c = crypto();
        await(PresharedKeys.importPsk(opened.token(), "live-psk", random(32), true));
        long start = c.liveObjects();
        var _ = await(c.pskAuth("live-psk", Prf.HMAC_SHA2_256, "octets".getBytes(StandardCharsets.US_ASCII), CTX));
        assertEquals(start, c.liveObjects(), "the key pad is destroyed once AUTH is out");

        KeyShare mine = await(c.generateShare(DhGroup.ECP_256, CTX));
        byte[] offCurve = new byte[64];
        offCurve[0] = 1;
        assertTrue(c.ikeSaKeys(mine, offCurve, inputs(7, 8), CTX)
                .handle((v, e) -> e != null)
                .join());
        assertEquals(start, c.liveObjects(), "a refused peer value still uses up the share");
    }
}
