package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.kx.InvalidKeyExchangeException.Reason;
import io.ikeseal.hsm.kx.KxTestSupport.SoftPeer;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * SoftHSM 2.6 as a compat key-exchange token: ECDH key pairs are generated inside it, g^ir is read out (the
 * compat tier's defining trade) and equals a software peer's; validated peer values are refused before any
 * token call. SoftHSM refuses SunPKCS11's DH derive template, so the start-up self-test withdraws MODP groups.
 */
class SoftHsmKeyExchangeTest {
    static final SoftHsmExtension softHsm = SoftHsmExtension.create().withLabel("kx-compat");

    @RegisterExtension
    static final OpenTokenExtension opened =
            OpenTokenExtension.softHsm(softHsm, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);

    static final MemoryAuditSink audit = opened.audit();
    static List<AuditRecord> startup;

    /** The token's start-up records, before any test clears the sink. */
    @BeforeAll
    static void keepStartupRecords() {
        startup = audit.records();
    }

    static DhKeyPair generate(DhGroup g) {
        return await(new KeyExchange(opened.token()).generate(g, KeyExchangeContract.CTX));
    }

    @ParameterizedTest
    @EnumSource(
            value = DhGroup.class,
            names = {"ECP_256", "ECP_384", "ECP_521"})
    void keyPairIsGeneratedInTheTokenWithAValidPublicValue(DhGroup g) {
        audit.clear();
        DhKeyPair mine = generate(g);
        assertEquals(g.publicValueLength(), mine.keyExchangeData().length);
        KeyExchangeData.decode(g, mine.keyExchangeData());
        assertEquals(
                "dh-" + g.proposalName(), audit.byOperation("dh-keygen").get(0).keyRef());
    }

    @ParameterizedTest
    @EnumSource(
            value = DhGroup.class,
            names = {"ECP_256", "ECP_384", "ECP_521"})
    void ecdhAgreesWithASoftwarePeer(DhGroup g) throws Exception {
        DhKeyPair mine = generate(g);
        byte[] myKe = mine.keyExchangeData();
        SoftPeer peer = SoftPeer.generate(g);
        SealedKey gir = await(new KeyExchange(opened.token()).agree(mine, peer.keData(), KeyExchangeContract.CTX));
        assertEquals(g.sharedSecretLength(), gir.length());
        assertArrayEquals(peer.agree(myKe), gir.key().getEncoded());
        assertTrue(mine.isDestroyed());
    }

    @Test
    void badPeerValueIsRefusedWithoutATokenCall() {
        DhKeyPair mine = generate(DhGroup.ECP_256);
        audit.clear();
        byte[] shortValue = new byte[DhGroup.ECP_256.publicValueLength() - 1];
        InvalidKeyExchangeException e = assertThrows(
                InvalidKeyExchangeException.class,
                () -> new KeyExchange(opened.token()).agree(mine, shortValue, KeyExchangeContract.CTX));
        assertEquals(Reason.WRONG_LENGTH, e.reason());
        assertTrue(audit.records().isEmpty());
        assertTrue(mine.isDestroyed());
    }

    /** SoftHSM wants CKA_VALUE_LEN for CKM_DH_PKCS_DERIVE, which SunPKCS11's DH KeyAgreement never sends. */
    @Test
    void modpIsWithdrawnAtStartUpWithTheTokensReason() {
        for (DhGroup g : new DhGroup[] {DhGroup.MODP_2048, DhGroup.MODP_3072, DhGroup.MODP_4096}) {
            assertFalse(opened.token().capabilities().dhGroups().contains(g));
            AuditRecord r = startup.stream()
                    .filter(x -> x.mechanism().equals("CKM_DH_PKCS_DERIVE/" + g.proposalName()))
                    .findFirst()
                    .orElseThrow();
            assertEquals("CKR_TEMPLATE_INCOMPLETE", r.result());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> generate(g));
            assertTrue(e.getMessage().contains("cannot do DH group " + g.proposalName()), e.getMessage());
        }
    }
}
