package io.ikeseal.hsm.port;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.InvalidPeerValueException;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * The port on a sealed NSS token: both sides of a key exchange through it get the same IKE SA and CHILD_SA keys,
 * shares and key pads are used up, an invalid peer value fails before any token call, and PSK AUTH equals
 * prf(prf(PSK, "Key Pad for IKEv2"), octets) (RFC 7296 §2.14, §2.15, §2.17; RFC 6989).
 */
class TokenIkeCryptoTest {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");
    static final NssExtension nss = NssExtension.create().withName("port");

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

    @Test
    void bothSidesDeriveTheSameKeysAndTheSharesAreUsedUp() {
        TokenIkeCrypto c = crypto();
        DhGroup g = DhGroup.ECP_256;
        KeyShare i = await(c.generateShare(g, CTX));
        KeyShare r = await(c.generateShare(g, CTX));
        IkeSaKeyInputs in = new IkeSaKeyInputs(
                Prf.HMAC_SHA2_256, random(32), random(32), IkeSaKeyInputs.spi(1), IkeSaKeyInputs.spi(2), 32, 16);
        byte[] iKe = i.keyExchangeData();
        IkeSaSecrets a = await(c.ikeSaKeys(i, r.keyExchangeData(), in, CTX));
        IkeSaSecrets b = await(c.ikeSaKeys(r, iKe, in, CTX));
        assertTrue(i.isDestroyed() && r.isDestroyed(), "single use");
        assertArrayEquals(a.skEi().bytes(), b.skEi().bytes());
        assertArrayEquals(a.skPr().bytes(), b.skPr().bytes());
        assertEquals("SK_d", a.skD().name());
        HostKey ka = await(c.childKeymat(Prf.HMAC_SHA2_256, a.skD(), null, null, in.ni(), in.nr(), 64, CTX));
        HostKey kb = await(c.childKeymat(Prf.HMAC_SHA2_256, b.skD(), null, null, in.ni(), in.nr(), 64, CTX));
        assertArrayEquals(ka.bytes(), kb.bytes());
        a.destroy();
        assertTrue(a.isDestroyed());
    }

    @Test
    void rekeyedIkeSaKeysAndPfsKeymatAgreeOnBothSides() {
        TokenIkeCrypto c = crypto();
        DhGroup g = DhGroup.ECP_256;
        IkeSaKeyInputs first = new IkeSaKeyInputs(
                Prf.HMAC_SHA2_256, random(32), random(32), IkeSaKeyInputs.spi(1), IkeSaKeyInputs.spi(2), 32, 16);
        KeyShare i = await(c.generateShare(g, CTX));
        KeyShare r = await(c.generateShare(g, CTX));
        byte[] iKe = i.keyExchangeData();
        IkeSaSecrets a = await(c.ikeSaKeys(i, r.keyExchangeData(), first, CTX));
        IkeSaSecrets b = await(c.ikeSaKeys(r, iKe, first, CTX));

        // RFC 7296 §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), new SPIs.
        IkeSaKeyInputs rekey = new IkeSaKeyInputs(
                Prf.HMAC_SHA2_256, random(32), random(32), IkeSaKeyInputs.spi(3), IkeSaKeyInputs.spi(4), 32, 16);
        KeyShare i2 = await(c.generateShare(g, CTX));
        KeyShare r2 = await(c.generateShare(g, CTX));
        byte[] i2Ke = i2.keyExchangeData();
        IkeSaSecrets a2 = await(c.rekeyedIkeSaKeys(a.skD(), Prf.HMAC_SHA2_256, i2, r2.keyExchangeData(), rekey, CTX));
        IkeSaSecrets b2 = await(c.rekeyedIkeSaKeys(b.skD(), Prf.HMAC_SHA2_256, r2, i2Ke, rekey, CTX));
        assertArrayEquals(a2.skEr().bytes(), b2.skEr().bytes());
        assertFalse(java.util.Arrays.equals(a.skEr().bytes(), a2.skEr().bytes()), "new keys");
        assertFalse(a.skD().isDestroyed(), "the old SK_d stays the caller's");

        // §2.17 with PFS: KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr); the shares are used up.
        KeyShare i3 = await(c.generateShare(g, CTX));
        KeyShare r3 = await(c.generateShare(g, CTX));
        byte[] i3Ke = i3.keyExchangeData();
        byte[] ni = random(32);
        byte[] nr = random(32);
        HostKey ka = await(c.childKeymat(Prf.HMAC_SHA2_256, a2.skD(), i3, r3.keyExchangeData(), ni, nr, 64, CTX));
        HostKey kb = await(c.childKeymat(Prf.HMAC_SHA2_256, b2.skD(), r3, i3Ke, ni, nr, 64, CTX));
        assertArrayEquals(ka.bytes(), kb.bytes());
        assertTrue(i3.isDestroyed() && r3.isDestroyed());
        HostKey noPfs = await(c.childKeymat(Prf.HMAC_SHA2_256, a2.skD(), null, null, ni, nr, 64, CTX));
        assertFalse(java.util.Arrays.equals(ka.bytes(), noPfs.bytes()), "PFS changes KEYMAT");
    }

    @Test
    void anInvalidPeerValueFailsBeforeAnyTokenCall() {
        TokenIkeCrypto c = crypto();
        KeyShare mine = await(c.generateShare(DhGroup.ECP_256, CTX));
        byte[] offCurve = new byte[64];
        offCurve[0] = 1;
        CompletableFuture<IkeSaSecrets> f = c.ikeSaKeys(
                mine,
                offCurve,
                new IkeSaKeyInputs(
                        Prf.HMAC_SHA2_256,
                        random(32),
                        random(32),
                        IkeSaKeyInputs.spi(1),
                        IkeSaKeyInputs.spi(2),
                        32,
                        16),
                CTX);
        assertTrue(f.isCompletedExceptionally(), "at once, no token call");
        Throwable e = f.handle((v, t) -> t instanceof CompletionException ce ? ce.getCause() : t)
                .join();
        assertInstanceOf(InvalidPeerValueException.class, e);
        assertTrue(mine.isDestroyed());
        assertInstanceOf(
                InvalidPeerValueException.class,
                org.junit.jupiter.api.Assertions.assertThrows(
                        RuntimeException.class, () -> c.checkPeerValue(DhGroup.ECP_256, offCurve)));
    }

    @Test
    void pskAuthIsTheRfcMacAndTheKeyPadIsDestroyedOnceTheMacIsOut() throws Exception {
        byte[] psk = random(40);
        await(PresharedKeys.importPsk(opened.token(), "port-psk", psk.clone(), true));
        byte[] octets = "octets".getBytes(StandardCharsets.US_ASCII);
        Prf prf = Prf.HMAC_SHA2_384;
        assertArrayEquals(reference(prf, psk, octets), await(crypto().pskAuth("port-psk", prf, octets, CTX)));
        assertTrue(
                crypto().pskAuth("no spaces allowed", prf, octets, CTX).isCompletedExceptionally(),
                "a refused name is a failed future, never a throw");

        KeySchedule schedule = KeySchedule.forToken(opened.token());
        PresharedKeys keys = new PresharedKeys(opened.token());
        SealedKey pad = await(keys.keyPad(prf, "port-psk", CTX));
        assertFalse(pad.isDestroyed());
        byte[] mac = await(TokenIkeCrypto.macAndDestroy(schedule, prf, pad, octets, CTX));
        assertTrue(pad.isDestroyed());
        assertArrayEquals(reference(prf, psk, octets), mac);

        SealedKey again = await(keys.keyPad(prf, "port-psk", CTX));
        CompletableFuture<byte[]> refused = TokenIkeCrypto.macAndDestroy(schedule, prf, again, new byte[0], CTX);
        assertTrue(refused.handle((v, e) -> e != null).get(), "empty octets are refused");
        assertTrue(again.isDestroyed(), "and the pad is gone anyway");
    }

    static byte[] reference(Prf prf, byte[] psk, byte[] octets) throws Exception {
        Mac m = Mac.getInstance(prf.macAlgorithm());
        m.init(new SecretKeySpec(psk, prf.macAlgorithm()));
        byte[] pad = m.doFinal("Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
        m.init(new SecretKeySpec(pad, prf.macAlgorithm()));
        return m.doFinal(octets);
    }
}
