package io.ikeseal.hsm.kx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.security.PrivateKey;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.token.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * Compat tier (g^ir read out into a host SecretKeySpec of exactly the RFC length), run on NSS softoken configured
 * as a compat token: SoftHSM cannot run this suite yet (see SoftHsmKeyExchangeTest).
 */
class CompatKeyExchangeTest extends KeyExchangeContract {
    @RegisterExtension
    static NssExtension nss = NssExtension.create().withName("kx-compat");
    static MemoryAuditSink audit;
    static Token token;

    @BeforeAll
    static void open() {
        audit = TestTokens.memoryAudit();
        token = TestTokens.nss(nss.token(), audit, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);
    }

    @AfterAll
    static void close() {
        if (token != null) {
            token.close();
        }
    }

    @Override
    Token token() {
        return token;
    }

    @Override
    MemoryAuditSink audit() {
        return audit;
    }

    @Override
    boolean dropsDhLeadingZeros() {
        return false; // read out as bytes, g^ir is padded back to the prime length
    }

    @Override
    PrivateKey importPrivate(DhGroup group, BigInteger s) {
        return importWithKeyFactory(group, s);
    }

    @Override
    void assertSecret(SealedKey gir, byte[] expected) {
        assertEquals("Generic", gir.key().getAlgorithm());
        assertEquals(0, gir.missingLeadingZeros(), "read out and padded to the RFC length");
        assertArrayEquals(expected, gir.key().getEncoded());
    }
}
