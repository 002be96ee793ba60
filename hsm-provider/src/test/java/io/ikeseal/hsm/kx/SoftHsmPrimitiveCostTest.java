package io.ikeseal.hsm.kx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_ECDH1_DERIVE_PARAMS;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Constants;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * The compat tier's token work per SA at its floor (docs/performance.md, "The compat tier's floor"): what SoftHSM's
 * three primitives cost one thread's CPU when called bare, with nothing of ours around them: an ECP-256 key pair
 * (session objects, destroyed), one ECDH {@code C_DeriveKey} of a 32-octet secret (destroyed), and one ECDSA P-256
 * signature of a host-made hash ({@code C_SignInit} + {@code C_Sign}). The times are printed, not asserted (this
 * machine is shared); what is asserted is that each call did its job.
 */
class SoftHsmPrimitiveCostTest {
    private static final byte[] P256 = {6, 8, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 3, 1, 7};

    static final SoftHsmExtension softHsm = SoftHsmExtension.create();

    @RegisterExtension
    static final OpenTokenExtension opened =
            OpenTokenExtension.softHsm(softHsm, ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE);

    @Test
    void keyPairEcdhAndSignatureAlone() throws Exception {
        Token t = opened.token();
        PKCS11 p11 = PKCS11.getInstance(t.spec().library().toString(), "C_GetFunctionList", null, false);
        long session = p11.C_OpenSession(
                t.slot().slotId(), PKCS11Constants.CKF_SERIAL_SESSION | PKCS11Constants.CKF_RW_SESSION, null, null);
        try {
            long[] peer = pair(p11, session, true);
            CK_ATTRIBUTE[] ecPoint = {new CK_ATTRIBUTE(PKCS11Constants.CKA_EC_POINT)};
            p11.C_GetAttributeValue(session, peer[0], ecPoint);
            byte[] der = ecPoint[0].getByteArray(); // DER OCTET STRING around 04 | x | y
            byte[] point = java.util.Arrays.copyOfRange(der, der.length - 65, der.length);
            byte[] hash = new byte[32];
            int n = 300;
            for (int round = 0; round < 2; round++) { // the first round warms up
                long t0 = cpu();
                for (int i = 0; i < n; i++) {
                    long[] h = pair(p11, session, false);
                    p11.C_DestroyObject(session, h[0]);
                    p11.C_DestroyObject(session, h[1]);
                }
                long keyPair = (cpu() - t0) / n / 1000;
                long[] mine = pair(p11, session, false);
                t0 = cpu();
                for (int i = 0; i < n; i++) {
                    long g = p11.C_DeriveKey(
                            session,
                            new CK_MECHANISM(
                                    PKCS11Constants.CKM_ECDH1_DERIVE,
                                    new CK_ECDH1_DERIVE_PARAMS(PKCS11Constants.CKD_NULL, null, point)),
                            mine[1],
                            new CK_ATTRIBUTE[] {
                                new CK_ATTRIBUTE(PKCS11Constants.CKA_CLASS, PKCS11Constants.CKO_SECRET_KEY),
                                new CK_ATTRIBUTE(PKCS11Constants.CKA_KEY_TYPE, PKCS11Constants.CKK_GENERIC_SECRET),
                                new CK_ATTRIBUTE(PKCS11Constants.CKA_VALUE_LEN, 32L),
                                new CK_ATTRIBUTE(PKCS11Constants.CKA_TOKEN, false)
                            });
                    p11.C_DestroyObject(session, g);
                }
                long ecdh = (cpu() - t0) / n / 1000;
                byte[] sig = null;
                t0 = cpu();
                for (int i = 0; i < n; i++) {
                    p11.C_SignInit(session, new CK_MECHANISM(PKCS11Constants.CKM_ECDSA), peer[1]);
                    sig = p11.C_Sign(session, hash);
                }
                long sign = (cpu() - t0) / n / 1000;
                assertEquals(64, sig.length, "r | s");
                p11.C_DestroyObject(session, mine[0]);
                p11.C_DestroyObject(session, mine[1]);
                System.out.printf(
                        "SoftHsmPrimitiveCostTest: SoftHSM P-256, CPU us per call: C_GenerateKeyPair (+2 C_DestroyObject)"
                                + " %d; ECDH C_DeriveKey (+ C_DestroyObject) %d; ECDSA C_SignInit + C_Sign %d;"
                                + " together %d%n",
                        keyPair, ecdh, sign, keyPair + ecdh + sign);
            }
            p11.C_DestroyObject(session, peer[0]);
            p11.C_DestroyObject(session, peer[1]);
        } finally {
            p11.C_CloseSession(session);
        }
    }

    /** A P-256 pair of session objects, the private key for ECDH or for signing. */
    private static long[] pair(PKCS11 p11, long session, boolean signing) throws Exception {
        return p11.C_GenerateKeyPair(
                session,
                new CK_MECHANISM(PKCS11Constants.CKM_EC_KEY_PAIR_GEN),
                new CK_ATTRIBUTE[] {
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_EC_PARAMS, P256),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_TOKEN, false)
                },
                new CK_ATTRIBUTE[] {
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_TOKEN, false),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_DERIVE, !signing),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_SIGN, signing),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_SENSITIVE, true),
                    new CK_ATTRIBUTE(PKCS11Constants.CKA_EXTRACTABLE, false)
                });
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
