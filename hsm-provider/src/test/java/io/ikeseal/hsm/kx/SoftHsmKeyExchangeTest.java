package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.kx.KxTestSupport.fieldPrime;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.kx.InvalidKeyExchangeException.Reason;
import io.ikeseal.hsm.kx.KxTestSupport.SoftPeer;
import io.ikeseal.hsm.token.ResidencyTier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * SoftHSM 2.6 as a compat key-exchange token: key pairs for all six groups are generated inside it and validated
 * peer values are refused before any token call. Deriving g^ir does not work through SunPKCS11 with the current
 * token configuration; the last two tests pin the exact errors, so a fix to the token template shows up here.
 */
class SoftHsmKeyExchangeTest {
    @RegisterExtension
    static SoftHsmExtension softHsm = SoftHsmExtension.create().withLabel("kx-compat");
    static MemoryAuditSink audit;
    static Token token;

    @BeforeAll
    static void open() {
        audit = TestTokens.memoryAudit();
        token = TestTokens.softHsm(softHsm.token(), audit, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);
    }

    @AfterAll
    static void close() {
        if (token != null) {
            token.close();
        }
    }

    static DhKeyPair generate(DhGroup g) {
        return await(new KeyExchange(token).generate(g, KeyExchangeContract.CTX));
    }

    @ParameterizedTest
    @EnumSource(DhGroup.class)
    void keyPairIsGeneratedInTheTokenWithAValidPublicValue(DhGroup g) {
        audit.clear();
        DhKeyPair mine = generate(g);
        assertEquals(g.publicValueLength(), mine.keyExchangeData().length);
        KeyExchangeData.decode(g, mine.keyExchangeData());
        assertEquals("dh-" + g.proposalName(), audit.byOperation("dh-keygen").get(0).keyRef());
    }

    @Test
    void badPeerValueIsRefusedWithoutATokenCall() {
        DhKeyPair mine = generate(DhGroup.MODP_2048);
        audit.clear();
        byte[] pMinus1 = KxTestSupport.pad(fieldPrime(DhGroup.MODP_2048).subtract(BigInteger.ONE), 256);
        InvalidKeyExchangeException e = assertThrows(InvalidKeyExchangeException.class,
                () -> new KeyExchange(token).agree(mine, pMinus1, KeyExchangeContract.CTX));
        assertEquals(Reason.OUT_OF_RANGE, e.reason());
        assertTrue(audit.records().isEmpty());
        assertTrue(mine.isDestroyed());
    }

    /** SoftHSM creates derived secret keys with CKA_EXTRACTABLE=false unless the template says otherwise. */
    @Test
    void ecdhReadOutNeedsExtractableDerivedKeys() throws Exception {
        DhKeyPair mine = generate(DhGroup.ECP_256);
        byte[] peer = SoftPeer.generate(DhGroup.ECP_256).keData();
        TokenException e = assertThrows(TokenException.class,
                () -> await(new KeyExchange(token).agree(mine, peer, KeyExchangeContract.CTX)));
        assertEquals("CKR_ATTRIBUTE_SENSITIVE", e.ckr(), e.getMessage());
        assertEquals("CKR_ATTRIBUTE_SENSITIVE", audit.byOperation("dh-derive").getLast().result());
    }

    /** SoftHSM wants CKA_VALUE_LEN for CKM_DH_PKCS_DERIVE, which SunPKCS11's DH KeyAgreement never sends. */
    @Test
    void modpDeriveNeedsAValueLength() throws Exception {
        DhKeyPair mine = generate(DhGroup.MODP_2048);
        byte[] peer = SoftPeer.generate(DhGroup.MODP_2048).keData();
        TokenException e = assertThrows(TokenException.class,
                () -> await(new KeyExchange(token).agree(mine, peer, KeyExchangeContract.CTX)));
        assertEquals("CKR_TEMPLATE_INCOMPLETE", e.ckr(), e.getMessage());
    }
}
