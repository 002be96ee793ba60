package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.testhsm.junit.NssExtension;

/** NSS softoken as a plain PKCS#11 library (nssArgs): the sealed key schedule works, two tokens coexist. */
class NssTokenTest {
    @RegisterExtension
    static NssExtension kxA = NssExtension.create().withName("kx-a");

    @RegisterExtension
    static NssExtension kxB = NssExtension.create().withName("kx-b");

    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void ecdhSecretIsSealedAndHkdfExtractWithKeySaltMatchesSoftwareHmac() throws Exception {
        for (NssExtension kx : new NssExtension[] {kxA, kxB}) {
            assertHkdfMatchesHmac(kx.token().provider());
        }
    }

    /** SKEYSEED-style: HKDF-Extract(salt = sealed key, IKM = sealed g^ir) == HMAC(salt, g^ir). */
    static void assertHkdfMatchesHmac(Provider p) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ours = g.generateKeyPair();
        assertNull(ours.getPrivate().getEncoded());
        KeyPairGenerator sw = KeyPairGenerator.getInstance("EC", "SunEC");
        sw.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair theirs = sw.generateKeyPair();

        KeyAgreement ka = KeyAgreement.getInstance("ECDH", p);
        ka.init(ours.getPrivate());
        ka.doPhase(theirs.getPublic(), true);
        SecretKey gir = ka.generateSecret("Generic");
        assertNull(gir.getEncoded(), "g^ir must stay in the token");

        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        SecretKey saltKey = SecretKeyFactory.getInstance("AES", p).translateKey(new SecretKeySpec(salt, "AES"));
        assertNull(saltKey.getEncoded(), "the imported salt key must be sealed too");
        byte[] prk = KDF.getInstance("HKDF-SHA256", p)
                .deriveData(HKDFParameterSpec.ofExtract()
                        .addSalt(saltKey)
                        .addIKM(gir)
                        .extractOnly());

        KeyAgreement ref = KeyAgreement.getInstance("ECDH", "SunEC");
        ref.init(theirs.getPrivate());
        ref.doPhase(ours.getPublic(), true);
        Mac hmac = Mac.getInstance("HmacSHA256", "SunJCE");
        hmac.init(new SecretKeySpec(salt, "HmacSHA256"));
        assertArrayEquals(hmac.doFinal(ref.generateSecret()), prk);
    }

    @Test
    void storedSecretIsVisibleOnlyOnItsTokenAndComesBackSealed() throws Exception {
        byte[] psk = new byte[32];
        RANDOM.nextBytes(psk);
        KeyStore a = kxA.token().keyStore();
        a.setEntry("psk-1", new KeyStore.SecretKeyEntry(new SecretKeySpec(psk, "AES")), null);

        SecretKey back = (SecretKey) kxA.token().keyStore().getKey("psk-1", null);
        assertEquals("AES", back.getAlgorithm());
        assertNull(back.getEncoded());
        assertFalse(kxB.token().keyStore().containsAlias("psk-1"));
    }

    @Test
    void tokensAreSeparateModulesOnTheKeyStorageSlot() {
        NssToken a = kxA.token();
        NssToken b = kxB.token();
        assertNotEquals(a.library(), b.library());
        assertNotEquals(a.dbDir(), b.dbDir());
        assertEquals(1, a.slotListIndex());
        assertTrue(a.nssArgs().contains("configdir='sql:" + a.dbDir() + "'"), a.nssArgs());
        assertTrue(a.environment().isEmpty());
        assertFalse(a.spied());
    }
}
