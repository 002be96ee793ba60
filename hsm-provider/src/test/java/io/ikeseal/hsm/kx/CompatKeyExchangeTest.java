package io.ikeseal.hsm.kx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.DirectKey;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * Compat tier (g^ir read out into a host SecretKeySpec of exactly the RFC length), run on NSS softoken configured
 * as a compat token: SoftHSM cannot run this suite yet (see SoftHsmKeyExchangeTest).
 */
class CompatKeyExchangeTest extends KeyExchangeContract {
    static final NssExtension nss = NssExtension.create().withName("kx-compat");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);

    CompatKeyExchangeTest() {
        super(opened);
    }

    @Override
    boolean dropsDhLeadingZeros() {
        return false; // read out as bytes, g^ir is padded back to the prime length
    }

    @Override
    DirectKey importPrivate(DhGroup group, BigInteger s) {
        return importPrivateKey(group, s);
    }

    @Override
    void assertSecret(SealedKey gir, byte[] expected) {
        assertEquals("Generic", gir.key().getAlgorithm());
        assertEquals(0, gir.missingLeadingZeros(), "read out and padded to the RFC length");
        assertArrayEquals(expected, gir.key().getEncoded());
    }
}
