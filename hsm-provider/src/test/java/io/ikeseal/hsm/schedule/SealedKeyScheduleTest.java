package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.Ikev2Reference.cat;
import static io.ikeseal.hsm.schedule.Ikev2Reference.hex;
import static io.ikeseal.hsm.schedule.Ikev2Reference.prf;
import static io.ikeseal.hsm.schedule.Ikev2Reference.range;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.List;

import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.DirectTestKeys;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.kx.KeyExchangeData;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenOperation;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/** The sealed schedule on NSS softoken: HKDF in the token, every secret sensitive and unextractable. */
class SealedKeyScheduleTest extends KeyScheduleContract {
    static final NssExtension nss = NssExtension.create().withName("schedule");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    SealedKeyScheduleTest() {
        super(opened);
    }

    @Override
    void assertResidency(SealedKey key) {
        if (key.isDirect()) {
            assertEquals("sensitive, unextractable", DirectTestKeys.flags(token(), key), key.name());
            return;
        }
        SecretKey k = key.key();
        assertNull(k.getEncoded(), key.name() + " must not be readable");
        assertTrue(k.toString().contains(", sensitive, unextractable)"), key.name() + ": " + k);
    }

    @Override
    List<String> expectedIkeSaKeyOps() {
        return List.of("sk_d:SKEYSEED", "prf+:SKEYSEED");
    }

    @Test
    void forTokenChoosesTheSealedSchedule() {
        KeySchedule s = KeySchedule.forToken(token());
        assertTrue(s instanceof SealedKeySchedule);
        assertEquals(ResidencyTier.SEALED, s.tier());
    }

    /**
     * RFC 5869 A.1 and A.3 (SHA-256) through the token's HKDF directly (their 13-octet and empty salts are no IKE
     * nonces): IKM imported as a sealed generic secret, salt as data; PRK via CKM_HKDF_DATA, OKM via
     * Extract-then-Expand. A.1's PRK again through the schedule's prf() with the salt as a sealed key.
     */
    @Test
    void rfc5869TestCases1And3ThroughTheTokensHkdf() throws Exception {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        SealedKey ikmKey = TokenSecrets.jca(token(), "IKM", ikm);
        byte[] salt1 = range(0x00, 0x0c);
        byte[] info1 = range(0xf0, 0xf9);
        byte[][] got = await(token().call(new TokenOperation("test-rfc5869", "CKM_HKDF_DATA", "IKM"), null, () -> {
            KDF kdf = KDF.getInstance("HKDF-SHA256", token().provider());
            return new byte[][] {
                kdf.deriveData(HKDFParameterSpec.ofExtract()
                        .addSalt(salt1)
                        .addIKM(ikmKey.key())
                        .extractOnly()),
                kdf.deriveData(HKDFParameterSpec.ofExtract()
                        .addSalt(salt1)
                        .addIKM(ikmKey.key())
                        .thenExpand(info1, 42)),
                kdf.deriveData(
                        HKDFParameterSpec.ofExtract().addIKM(ikmKey.key()).extractOnly()),
                kdf.deriveData(
                        HKDFParameterSpec.ofExtract().addIKM(ikmKey.key()).thenExpand(new byte[0], 42))
            };
        }));
        assertArrayEquals(hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"), got[0], "A.1 PRK");
        assertArrayEquals(
                hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
                got[1],
                "A.1 OKM");
        assertArrayEquals(hex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04"), got[2], "A.3 PRK");
        assertArrayEquals(
                hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
                got[3],
                "A.3 OKM");
        assertArrayEquals(
                hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"),
                await(schedule().prf(Prf.HMAC_SHA2_256, secret("salt", salt1), ikm, CTX)),
                "A.1 PRK via prf()");
    }

    /** g^ir from a real ECDH in the token (P-256) against a software peer: SKEYSEED matches the peer's. */
    @Test
    void skeyseedFromTokenEcdhMatchesTheSoftwarePeer() throws Exception {
        KeyPairGenerator soft = KeyPairGenerator.getInstance("EC", "SunEC");
        soft.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair peer = soft.generateKeyPair();
        KeyExchange kx = new KeyExchange(token());
        DhKeyPair mine = await(kx.generate(DhGroup.ECP_256, CTX));
        byte[] mineData = mine.keyExchangeData();
        SealedKey gir = await(kx.agree(mine, KeyExchangeData.encode(DhGroup.ECP_256, peer.getPublic()), CTX));
        PublicKey myPublic = KeyExchangeData.decode(DhGroup.ECP_256, mineData);
        assertResidency(gir);
        KeyAgreement peerKa = KeyAgreement.getInstance("ECDH", "SunEC");
        PrivateKey peerPrivate = peer.getPrivate();
        peerKa.init(peerPrivate);
        peerKa.doPhase(myPublic, true);
        byte[] girPeer = peerKa.generateSecret();
        byte[] ni = randomNonce();
        byte[] nr = randomNonce();
        SealedKey sk = await(schedule().skeyseed(Prf.HMAC_SHA2_256, ni, nr, gir, CTX));
        assertSameKey(Prf.HMAC_SHA2_256, prf(Prf.HMAC_SHA2_256, cat(ni, nr), girPeer), sk);
    }
}
