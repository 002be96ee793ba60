package io.ikeseal.hsm.schedule;

import io.ikeseal.hsm.api.Prf;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.Pkcs11SpyLog;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.kx.KeyExchangeData;
import io.ikeseal.hsm.kx.ModpGroups;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * A whole key-schedule life (SKEYSEED, IKE SA keys, child KEYMAT with and without PFS, IKE SA rekey, prf, PSK import
 * and PSK AUTH) on a spied NSS token: pkcs11-spy shows no C_WrapKey and no CKA_VALUE read of any secret object.
 */
class ScheduleSealingTest {
    @RegisterExtension
    static NssExtension nss = NssExtension.spied().withName("sealing");
    @RegisterExtension
    static NssExtension compatNss = NssExtension.spied().withName("compat-spy");

    @Test
    void noSecretLeavesTheToken() throws Exception {
        Random rnd = new Random();
        MemoryAuditSink audit = TestTokens.memoryAudit();
        AuditContext ctx = AuditContext.NONE;
        try (Token token = TestTokens.nss(nss.token(), audit, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE)) {
            KeySchedule s = KeySchedule.forToken(token);
            for (Prf prf : Prf.values()) {
                byte[] ni = bytes(rnd, 32);
                byte[] nr = bytes(rnd, 200);
                byte[] spi = bytes(rnd, 8);
                SealedKey gir = TokenSecrets.secret(token, "g^ir", bytes(rnd, 256));
                SealedKey skeyseed = await(s.skeyseed(prf, ni, nr, gir, ctx));
                IkeSaKeys keys = await(s.ikeSaKeys(prf, skeyseed, ni, nr, spi, spi, 32, 36, ctx));
                await(s.childKeymat(prf, keys.skD(), null, ni, nr, 128, ctx));
                await(s.childKeymat(prf, keys.skD(), gir, ni, nr, 128, ctx));
                SealedKey rekeyed = await(s.rekeySkeyseed(prf, keys.skD(), gir, ni, nr, ctx));
                await(s.ikeSaKeys(prf, rekeyed, ni, nr, spi, spi, 0, 36, ctx));
                await(s.prf(prf, keys.skD(), ni, ctx));
                await(s.deriveKey(prf, keys.skD(), ni, "derived", ctx));
            }
            await(PresharedKeys.importPsk(token, "peer", bytes(rnd, 100), false));
            for (Prf prf : Prf.values()) {
                SealedKey pad = await(new PresharedKeys(token).keyPad(prf, "peer", ctx));
                await(s.prf(prf, pad, bytes(rnd, 500), ctx));
            }
        }
        Pkcs11SpyLog spy = Pkcs11SpyLog.read(nss.token().spyLog());
        assertTrue(spy.count("C_DeriveKey") > 50, "the spy saw the derivations: " + spy.count("C_DeriveKey"));
        assertEquals(List.of(), spy.leaks());
    }

    /**
     * The same proof with g^ir from real key exchanges in the token, for every group: the DH private values and
     * the shared secrets never leave it either (only public values and CKO_DATA outputs are read).
     */
    @Test
    void noDhPrivateValueOrSharedSecretLeavesTheToken() throws Exception {
        Random rnd = new Random();
        MemoryAuditSink audit = TestTokens.memoryAudit();
        AuditContext ctx = AuditContext.NONE;
        try (Token token = TestTokens.nss(nss.token(), audit, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE)) {
            KeyExchange kx = new KeyExchange(token);
            KeySchedule s = KeySchedule.forToken(token);
            for (DhGroup g : DhGroup.values()) {
                DhKeyPair mine = await(kx.generate(g, ctx));
                SealedKey gir = await(kx.agree(mine, softwarePeer(g), ctx));
                byte[] ni = bytes(rnd, 32);
                byte[] nr = bytes(rnd, 32);
                SealedKey skeyseed = await(s.skeyseed(Prf.HMAC_SHA2_256, ni, nr, gir, ctx));
                IkeSaKeys keys = await(s.ikeSaKeys(Prf.HMAC_SHA2_256, skeyseed, ni, nr, bytes(rnd, 8), bytes(rnd, 8),
                        32, 32, ctx));
                await(s.childKeymat(Prf.HMAC_SHA2_256, keys.skD(), gir, ni, nr, 128, ctx));
                assertTrue(mine.isDestroyed(), "single-use DH private value is gone after agree");
            }
        }
        Pkcs11SpyLog spy = Pkcs11SpyLog.read(nss.token().spyLog());
        assertTrue(spy.count("C_GenerateKeyPair") >= DhGroup.values().length, "the spy saw the key pairs");
        assertEquals(List.of(), spy.leaks());
    }

    /** The control: the compat tier reads g^ir out by design, and the same spy check must see exactly that. */
    @Test
    void theSpyCheckSeesTheCompatTierReadingGirOut() throws Exception {
        try (Token token = TestTokens.nss(compatNss.token(), TestTokens.memoryAudit(), ResidencyTier.COMPAT,
                TokenRole.KEY_EXCHANGE)) {
            KeyExchange kx = new KeyExchange(token);
            DhKeyPair mine = await(kx.generate(DhGroup.ECP_256, AuditContext.NONE));
            await(kx.agree(mine, softwarePeer(DhGroup.ECP_256), AuditContext.NONE));
        }
        List<String> leaks = Pkcs11SpyLog.read(compatNss.token().spyLog()).leaks();
        assertTrue(leaks.stream().anyMatch(l -> l.contains("C_GetAttributeValue(CKA_VALUE) of secret object")
                && l.contains("(succeeded)")), leaks.toString());
    }

    private static byte[] softwarePeer(DhGroup g) throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance(g.kind() == DhGroup.Kind.ECP ? "EC" : "DH");
        gen.initialize(g.kind() == DhGroup.Kind.ECP ? new ECGenParameterSpec(g.curve()) : ModpGroups.parameters(g));
        return KeyExchangeData.encode(g, gen.generateKeyPair().getPublic());
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
