package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.kx.KxTestSupport.RANDOM;
import static io.ikeseal.hsm.kx.KxTestSupport.hmacSha256;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.PrivateKey;

import javax.crypto.KDF;
import javax.crypto.KeyAgreement;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sun.security.util.KeyUtil;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenOperation;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/** Sealed tier on NSS softoken: g^ir stays a sensitive, unextractable token key; compared through HKDF. */
class SealedKeyExchangeTest extends KeyExchangeContract {
    static final NssExtension nss = NssExtension.create().withName("kx");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    SealedKeyExchangeTest() {
        super(opened);
    }

    @Override
    boolean dropsDhLeadingZeros() {
        return true;
    }

    @Override
    PrivateKey importPrivate(DhGroup group, BigInteger s) {
        return importWithKeyFactory(group, s); // NSS lets imported EC private keys derive
    }

    /**
     * HKDF-Extract in the token with a random salt and IKM = the missing zero octets as data | g^ir's token key
     * = HMAC(salt, g^ir) in software.
     */
    @Override
    void assertSecret(SealedKey gir, byte[] expected) throws Exception {
        SecretKey k = gir.key();
        assertNull(k.getEncoded(), "g^ir must not be readable");
        assertTrue(k.toString().contains(", sensitive, unextractable)"), k.toString());
        assertEquals((expected.length - gir.missingLeadingZeros()) * 8, KeyUtil.getKeySize(k), "token key length");
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        int zeros = gir.missingLeadingZeros();
        assertArrayEquals(hmacSha256(salt, expected), extract(salt, zeros > 0 ? new byte[zeros] : null, k));
    }

    private byte[] extract(byte[] salt, byte[] prefix, SecretKey ikm) {
        return await(token().call(new TokenOperation("test-hkdf", "CKM_HKDF_DATA", "g^ir"), null, () -> {
            var b = HKDFParameterSpec.ofExtract().addSalt(salt);
            if (prefix != null) {
                b.addIKM(prefix);
            }
            return KDF.getInstance("HKDF-SHA256", token().provider())
                    .deriveData(b.addIKM(ikm).extractOnly());
        }));
    }

    /**
     * What NSS does (why g^ir carries missingLeadingZeros), and the fix it allows in the schedule: NSS returns
     * CKM_DH_PKCS_DERIVE results without leading zero octets (KeyUtil reads the shorter CKA_VALUE_LEN), and
     * prepending them as data IKM restores the RFC value.
     */
    @Test
    void nssDropsLeadingZerosAndAZeroDataPrefixRestoresThem() throws Exception {
        DhGroup g = DhGroup.MODP_2048;
        DhKeyPair mine = generate(g);
        LeadingZeroPeer found = LeadingZeroPeer.search(mine);
        byte[] expected = found.gir();
        int zeros = leadingZeros(expected);
        PrivateKey priv = mine.take();
        var peerKey = KeyExchangeData.decode(g, found.peer().keData());
        TokenOperation derive = new TokenOperation("test-dh", "CKM_DH_PKCS_DERIVE", "g^ir");
        SecretKey shortKey = await(token().call(derive, null, () -> {
            KeyAgreement ka = KeyAgreement.getInstance("DH", token().provider());
            ka.init(priv);
            ka.doPhase(peerKey, true);
            return ka.generateSecret("Generic");
        }));
        assertEquals((256 - zeros) * 8, KeyUtil.getKeySize(shortKey), shortKey.toString());
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        assertArrayEquals(hmacSha256(salt, expected), extract(salt, new byte[zeros], shortKey));
        assertEquals(false, java.util.Arrays.equals(hmacSha256(salt, expected), extract(salt, null, shortKey)));
    }
}
