package io.ikeseal.hsm.kx;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.P11TraceLog;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * What one ECP key pair generation through SunPKCS11 costs on NSS softoken (docs/tokens.md, "Key pair generation
 * cost"): the PKCS#11 calls it makes (counted with p11trace), and the CPU time of C_GenerateKeyPair alone, with and
 * without CKA_SIGN on the private key, against the whole JCA call. The times are printed, not asserted: this machine
 * is shared.
 */
class KeyPairGenerationCostTest {
    /** CKA_SIGN = CK_FALSE as p11trace writes an attribute. */
    private static final String SIGN_FALSE = "0x108:00";

    static final NssExtension traced = NssExtension.traced().withName("kgcalls");

    @RegisterExtension
    static final OpenTokenExtension tracedOpen =
            OpenTokenExtension.nss(traced, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    static final NssExtension plain = NssExtension.create().withName("kgtime");

    @RegisterExtension
    static final OpenTokenExtension plainOpen =
            OpenTokenExtension.nss(plain, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    @Test
    void oneGenerationIsOneGenerateKeyPairOneReadAndOneDestroy() {
        KeyExchange kx = new KeyExchange(tracedOpen.token());
        await(kx.generate(DhGroup.ECP_256, AuditContext.NONE)).destroy();
        long mark = P11TraceLog.mark(traced.token().traceLog());
        int n = 5;
        for (int i = 0; i < n; i++) {
            await(kx.generate(DhGroup.ECP_256, AuditContext.NONE)).destroy();
        }
        P11TraceLog log = P11TraceLog.read(traced.token().traceLog(), mark);
        Map<String, Long> byFunction = new TreeMap<>();
        log.calls().forEach(c -> byFunction.merge(c.function(), 1L, Long::sum));
        // The direct binding reads only the public value (CKA_EC_POINT: one call for the length, one for the value)
        // and destroys the public object at once; a destroyed pair's private key is destroyed after the next call.
        long destroys = byFunction.remove("C_DestroyObject");
        // each token thread opens its own session at its first direct call, once
        Long opens = byFunction.remove("C_OpenSession");
        assertTrue(opens == null || opens <= tracedOpen.token().spec().threads(), "sessions opened: " + opens);
        assertEquals(Map.of("C_GenerateKeyPair", (long) n, "C_GetAttributeValue", 2L * n), byFunction);
        assertTrue(destroys >= n + n - 1 && destroys <= 2L * n + 1, "destroys: " + destroys);
        log.calls().stream()
                .filter(c -> c.function().equals("C_GenerateKeyPair"))
                .forEach(c -> assertTrue(
                        c.field("privateTemplate").contains(SIGN_FALSE),
                        "a key-exchange EC key is generated without CKA_SIGN: " + c.field("privateTemplate")));
    }

    @Test
    void generateKeyPairAloneAgainstTheWholeJcaCall() throws Exception {
        Token t = plainOpen.token();
        PKCS11 p11 = PKCS11.getInstance(t.spec().library().toString(), "C_GetFunctionList", null, true);
        long session = p11.C_OpenSession(t.slot().slotId(), PKCS11Constants.CKF_SERIAL_SESSION, null, null);
        try {
            int n = 100;
            for (int round = 0; round < 2; round++) {
                long withSign = raw(p11, session, n, true);
                long withoutSign = raw(p11, session, n, false);
                long jca = cpu();
                for (int i = 0; i < n; i++) {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", t.provider());
                    g.initialize(new ECGenParameterSpec("secp256r1"));
                    KeyPair kp = g.generateKeyPair();
                    assertEquals(64, KeyExchangeData.encode(DhGroup.ECP_256, kp.getPublic()).length);
                }
                jca = (cpu() - jca) / n / 1000;
                long ecdh = ecdh(p11, session, n);
                System.out.printf(
                        "KeyPairGenerationCostTest: NSS P-256, CPU us per pair: C_GenerateKeyPair (+2 C_DestroyObject)"
                                + " with CKA_SIGN %d, CKA_SIGN=false %d; JCA KeyPairGenerator + public value %d;"
                                + " per ECDH C_DeriveKey (+ C_DestroyObject) %d%n",
                        withSign, withoutSign, jca, ecdh);
            }
        } finally {
            p11.C_CloseSession(session);
        }
    }

    /** CPU microseconds per raw C_GenerateKeyPair (the pair destroyed at once), the private key signing or not. */
    private static long raw(PKCS11 p11, long session, int n, boolean sign) throws Exception {
        byte[] p256 = {6, 8, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 3, 1, 7};
        long t0 = cpu();
        for (int i = 0; i < n; i++) {
            CK_ATTRIBUTE[] pub = {new CK_ATTRIBUTE(PKCS11Constants.CKA_EC_PARAMS, p256)};
            CK_ATTRIBUTE[] priv = {
                new CK_ATTRIBUTE(PKCS11Constants.CKA_DERIVE, true),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_SIGN, sign),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_SENSITIVE, true),
                new CK_ATTRIBUTE(PKCS11Constants.CKA_EXTRACTABLE, false)
            };
            long[] h = p11.C_GenerateKeyPair(session, new CK_MECHANISM(PKCS11Constants.CKM_EC_KEY_PAIR_GEN), pub, priv);
            p11.C_DestroyObject(session, h[0]);
            p11.C_DestroyObject(session, h[1]);
        }
        return (cpu() - t0) / n / 1000;
    }

    /** CPU microseconds per raw ECDH C_DeriveKey of g^ir (destroyed at once) against one software peer's point. */
    private static long ecdh(PKCS11 p11, long session, int n) throws Exception {
        KeyPairGenerator soft = KeyPairGenerator.getInstance("EC", "SunEC");
        soft.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] xy =
                KeyExchangeData.encode(DhGroup.ECP_256, soft.generateKeyPair().getPublic());
        byte[] point = new byte[65];
        point[0] = 4;
        System.arraycopy(xy, 0, point, 1, 64);
        byte[] p256 = {6, 8, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 3, 1, 7};
        long[] pair = p11.C_GenerateKeyPair(
                session,
                new CK_MECHANISM(PKCS11Constants.CKM_EC_KEY_PAIR_GEN),
                new CK_ATTRIBUTE[] {new CK_ATTRIBUTE(PKCS11Constants.CKA_EC_PARAMS, p256)},
                new CK_ATTRIBUTE[] {new CK_ATTRIBUTE(PKCS11Constants.CKA_DERIVE, true)});
        CK_ATTRIBUTE[] secret = {
            new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_SECRET_KEY),
            new CK_ATTRIBUTE(PKCS11Constants.CKA_KEY_TYPE, PKCS11Constants.CKK_GENERIC_SECRET),
            new CK_ATTRIBUTE(PKCS11Constants.CKA_VALUE_LEN, 32L)
        };
        long t0 = cpu();
        for (int i = 0; i < n; i++) {
            long g = p11.C_DeriveKey(
                    session,
                    new CK_MECHANISM(
                            PKCS11Constants.CKM_ECDH1_DERIVE,
                            new sun.security.pkcs11.wrapper.CK_ECDH1_DERIVE_PARAMS(
                                    PKCS11Constants.CKD_NULL, null, point)),
                    pair[1],
                    secret);
            p11.C_DestroyObject(session, g);
        }
        long us = (cpu() - t0) / n / 1000;
        p11.C_DestroyObject(session, pair[0]);
        p11.C_DestroyObject(session, pair[1]);
        return us;
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
