package io.ikeseal.hsm.port;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.IkeSaKeyInputs;
import io.ikeseal.hsm.api.IkeSaSecrets;
import io.ikeseal.hsm.api.KeyShare;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.P11TraceLog;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * What "destroyed" means below the handle (docs/tokens.md, "Live token objects"): with NSS softoken behind p11trace,
 * N IKE SAs (both ends) with a CHILD_SA each and then their deletion create session objects (C_GenerateKeyPair,
 * C_DeriveKey) that SunPKCS11 destroys (C_DestroyObject) only once the handles are collected and its cleaner ran;
 * after a GC the objects still in the token converge to none of ours, only SunPKCS11's bounded cache of host keys
 * it imported. Prints what was left before and after, and how long it took.
 */
class NativeDestroyTest {
    private static final int SAS = 20;
    private static final long CONVERGE_MILLIS = 30_000;
    /** sun.security.pkcs11.KeyCache: a hard cache of 16 converted keys per token. */
    private static final long SUNPKCS11_KEY_CACHE = 16;

    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");
    static final NssExtension nss = NssExtension.traced().withName("destroy");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    @Test
    void objectsOfDeletedSasAreDestroyedInTheTokenAfterAGc() throws Exception {
        TokenIkeCrypto c = TokenIkeCrypto.of(opened.token());
        long mark = P11TraceLog.mark(nss.token().traceLog());
        SecureRandom random = new SecureRandom();
        for (int n = 0; n < SAS; n++) {
            handshakeAndDelete(c, random);
        }
        assertEquals(0, c.liveObjects(), "every handle destroyed");
        Outstanding at = outstanding(P11TraceLog.read(nss.token().traceLog(), mark));
        assertTrue(at.created() >= SAS * 6, "each SA creates objects in the token: " + at);

        long t0 = System.nanoTime();
        Outstanding now = at;
        while (!converged(now) && System.nanoTime() - t0 < CONVERGE_MILLIS * 1_000_000L) {
            System.gc();
            Thread.sleep(100);
            now = outstanding(P11TraceLog.read(nss.token().traceLog(), mark));
        }
        long ms = (System.nanoTime() - t0) / 1_000_000L;
        System.out.printf(
                "NativeDestroyTest: %d SAs: %d objects created, %d left before GC %s, %d left %d ms after GC %s%n",
                SAS, now.created(), at.left(), at.leftBy(), now.left(), ms, now.leftBy());
        assertTrue(converged(now), "objects still in the token " + ms + " ms after GC: " + now);
    }

    /**
     * Every object ikeseal's operations made is destroyed; what may stay is SunPKCS11's own cache of host keys it
     * imported (C_CreateObject), which keeps the last {@link #SUNPKCS11_KEY_CACHE} per token strongly.
     */
    private static boolean converged(Outstanding o) {
        return o.leftBy().entrySet().stream()
                .allMatch(e -> e.getKey().startsWith("C_CreateObject") && e.getValue() <= SUNPKCS11_KEY_CACHE);
    }

    /** Both ends of one IKE SA and a CHILD_SA with PFS, then both deleted: every handle destroyed. */
    private static void handshakeAndDelete(TokenIkeCrypto c, SecureRandom random) {
        byte[] ni = new byte[32];
        byte[] nr = new byte[32];
        random.nextBytes(ni);
        random.nextBytes(nr);
        KeyShare i = await(c.generateShare(DhGroup.ECP_256, CTX));
        KeyShare r = await(c.generateShare(DhGroup.ECP_256, CTX));
        byte[] iKe = i.keyExchangeData();
        IkeSaKeyInputs in = new IkeSaKeyInputs(
                Prf.HMAC_SHA2_256, ni, nr, IkeSaKeyInputs.spi(random.nextLong()), IkeSaKeyInputs.spi(9), 32, 16);
        IkeSaSecrets a = await(c.ikeSaKeys(i, r.keyExchangeData(), in, CTX));
        IkeSaSecrets b = await(c.ikeSaKeys(r, iKe, in, CTX));
        KeyShare i2 = await(c.generateShare(DhGroup.ECP_256, CTX));
        KeyShare r2 = await(c.generateShare(DhGroup.ECP_256, CTX));
        byte[] i2Ke = i2.keyExchangeData();
        HostKey ka = await(c.childKeymat(Prf.HMAC_SHA2_256, a.skD(), i2, r2.keyExchangeData(), ni, nr, 64, CTX));
        HostKey kb = await(c.childKeymat(Prf.HMAC_SHA2_256, b.skD(), r2, i2Ke, ni, nr, 64, CTX));
        ka.destroy();
        kb.destroy();
        a.destroy();
        b.destroy();
    }

    /** Objects created since the mark and not yet destroyed, by handle (NSS may reuse a destroyed handle). */
    record Outstanding(long created, long left, Map<String, Long> leftBy) {}

    static Outstanding outstanding(P11TraceLog trace) {
        Map<String, Integer> live = new HashMap<>();
        Map<String, String> madeBy = new HashMap<>();
        long created = 0;
        for (P11TraceLog.Call call : trace.calls()) {
            if (!"0x0".equals(call.field("rv"))) {
                continue;
            }
            List<String> made = new ArrayList<>();
            switch (call.function()) {
                case "C_GenerateKeyPair" -> {
                    made.add(call.field("hPublicKey"));
                    made.add(call.field("hPrivateKey"));
                }
                case "C_DeriveKey", "C_GenerateKey", "C_UnwrapKey" -> made.add(call.field("hKey"));
                case "C_CreateObject" -> made.add(call.field("hObject"));
                case "C_CopyObject" -> made.add(call.field("hNewObject"));
                case "C_DestroyObject" -> live.computeIfPresent(call.field("hObject"), (h, n) -> n > 1 ? n - 1 : null);
                default -> {}
            }
            for (String h : made) {
                if (h != null) {
                    live.merge(h, 1, Integer::sum);
                    madeBy.put(h, call.function() + " " + mechanismOf(call));
                    created++;
                }
            }
        }
        Map<String, Long> leftBy = new java.util.TreeMap<>();
        live.forEach((h, n) -> leftBy.merge(madeBy.get(h), (long) n, Long::sum));
        return new Outstanding(
                created, live.values().stream().mapToLong(Integer::longValue).sum(), leftBy);
    }

    private static String mechanismOf(P11TraceLog.Call call) {
        String m = call.field("mech");
        return m == null ? "" : m;
    }
}
