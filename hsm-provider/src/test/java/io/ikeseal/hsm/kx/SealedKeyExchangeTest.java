package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.kx.KxTestSupport.RANDOM;
import static io.ikeseal.hsm.kx.KxTestSupport.hmacSha256;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.DirectTestKeys;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.SealedKey;
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
    DirectKey importPrivate(DhGroup group, BigInteger s) {
        return importPrivateKey(group, s);
    }

    /**
     * HKDF-Extract in the token with a random salt and IKM = the missing zero octets as data | g^ir's token key
     * = HMAC(salt, g^ir) in software; g^ir itself is a direct-binding key the token keeps sensitive and unextractable.
     */
    @Override
    void assertSecret(SealedKey gir, byte[] expected) throws Exception {
        assertTrue(gir.isDirect(), gir.toString());
        assertEquals("sensitive, unextractable", DirectTestKeys.flags(token(), gir));
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        int zeros = gir.missingLeadingZeros();
        assertArrayEquals(hmacSha256(salt, expected), DirectTestKeys.extract(token(), salt, new byte[zeros], gir));
    }

    /**
     * What NSS does (why g^ir carries missingLeadingZeros), and the fix it allows in the schedule: NSS returns
     * CKM_DH_PKCS_DERIVE results without leading zero octets (a shorter CKA_VALUE_LEN), and prepending them as data
     * IKM restores the RFC value; without them the token hashes another value.
     */
    @Test
    void nssDropsLeadingZerosAndAZeroDataPrefixRestoresThem() throws Exception {
        DhGroup g = DhGroup.MODP_2048;
        DhKeyPair mine = generate(g);
        LeadingZeroPeer found = LeadingZeroPeer.search(mine);
        byte[] expected = found.gir();
        int zeros = leadingZeros(expected);
        SealedKey gir = await(kx().agree(mine, found.peer().keData(), null));
        assertEquals(zeros, gir.missingLeadingZeros(), gir.toString());
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        assertArrayEquals(hmacSha256(salt, expected), DirectTestKeys.extract(token(), salt, new byte[zeros], gir));
        assertEquals(
                false,
                java.util.Arrays.equals(
                        hmacSha256(salt, expected), DirectTestKeys.extract(token(), salt, new byte[0], gir)));
    }
}
