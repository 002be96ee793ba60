package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.Ikev2Reference.cat;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.KDF;
import javax.crypto.spec.HKDFParameterSpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.ikeseal.hsm.DirectTestKeys;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.P11TraceLog;
import io.ikeseal.testhsm.SecretSearch;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * The sealing proof with ground truth (docs/sealing-proof.md): a software peer that holds its own DH private values
 * computes every secret of an IKE SA's life itself (g^ir, SKEYSEED, SK_d; the rekeyed SA's; the PFS exchange's; the
 * PSK's key pad), while the token layer (KeyExchange, KeySchedule, PresharedKeys) does its side on NSS softoken
 * behind p11trace. None of those byte strings may appear in any buffer that crossed the PKCS#11 boundary, in either
 * direction, mechanism parameters included; the host keys (SK_a, SK_e, SK_p, KEYMAT, AUTH) must appear, since they
 * leave the token as CKM_HKDF_DATA output by design, which proves the search sees what crosses.
 */
class SealingGroundTruthTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AuditContext CTX = AuditContext.NONE;
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static NssExtension nss = NssExtension.traced().withName("ground-truth");

    @RegisterExtension
    static NssExtension compatNss = NssExtension.traced().withName("ground-truth-compat");

    private static Token token;

    @BeforeAll
    static void open() {
        token = TestTokens.nss(nss.token(), TestTokens.memoryAudit(), ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
    }

    @AfterAll
    static void close() {
        if (token != null) {
            token.close();
        }
    }

    /** Secrets that must never cross, host keys that must, both searched for in one pass. */
    private static final class GroundTruth {
        final SecretSearch search = new SecretSearch();
        final List<String> secrets = new ArrayList<>();
        final List<String> hostKeys = new ArrayList<>();

        void secret(String name, byte[] value) {
            search.add(name, value);
            secrets.add(name);
        }

        /** g^ir in every form a leak could take: as used (padded), trimmed as NSS holds it, the whole ECP point. */
        void gir(String name, DhGroup g, SoftwarePeer peer, byte[] tokenKe, byte[] gir) {
            secret(name, gir);
            if (gir[0] == 0) {
                secret(name + " without leading zeros", SoftwarePeer.trimmed(gir));
            }
            if (g.kind() == DhGroup.Kind.ECP) {
                secret(name + " as point x|y", peer.sharedPoint(tokenKe));
            }
        }

        void hostKey(String name, byte[] expected, HostKey actual) {
            assertArrayEquals(expected, actual.bytes(), name + " from the token equals the software peer's");
            if (expected.length > 0) {
                search.add(name, expected);
                hostKeys.add(name);
            }
        }

        /** The trace since {@code mark}: no secret in it, every host key in it. */
        void assertSealed(P11TraceLog trace) {
            Map<String, String> found = trace.find(search);
            Map<String, String> leaked = new LinkedHashMap<>(found);
            leaked.keySet().retainAll(secrets);
            assertEquals(Map.of(), leaked, "secrets that crossed the PKCS#11 boundary (name -> first call and field)");
            List<String> missing = new ArrayList<>(hostKeys);
            missing.removeAll(found.keySet());
            assertEquals(List.of(), missing, "host keys the search did not find in the trace, so it proves nothing");
        }
    }

    /**
     * IKE_SA_INIT's exchange and schedule, a CHILD_SA without PFS, one with PFS, the IKE SA rekey and a CHILD_SA of
     * the rekeyed SA (RFC 7296 §2.14, §2.17, §2.18), for every group; the MODP-2048 peer picks a g^ir with a leading
     * zero octet so the token's trimmed g^ir is covered as well.
     */
    @ParameterizedTest(name = "{0} with {1}")
    @CsvSource({
        "ECP_256, HMAC_SHA2_256, 0, 36",
        "ECP_384, HMAC_SHA2_384, 48, 32",
        "ECP_521, HMAC_SHA2_512, 64, 16",
        "MODP_2048, HMAC_SHA2_256, 32, 32",
        "MODP_3072, HMAC_SHA2_384, 0, 20",
        "MODP_4096, HMAC_SHA2_512, 32, 24"
    })
    void noSecretOfAnIkeSaLifeCrossesTheBoundary(DhGroup g, Prf prf, int integ, int encr) {
        long mark = P11TraceLog.mark(nss.token().traceLog());
        GroundTruth truth = new GroundTruth();
        KeyExchange kx = new KeyExchange(token);
        KeySchedule s = KeySchedule.forToken(token);
        int h = prf.outputLength();

        // IKE_SA_INIT: the token's KE, the peer's answer, SKEYSEED and the IKE SA keys (§2.14)
        DhKeyPair mine = await(kx.generate(g, CTX));
        byte[] ke = mine.keyExchangeData();
        SoftwarePeer peer = g == DhGroup.MODP_2048 ? SoftwarePeer.withLeadingZero(g, ke) : SoftwarePeer.generate(g);
        byte[] gir = peer.gir(ke);
        SealedKey girKey = await(kx.agree(mine, peer.keData(), CTX));
        if (g == DhGroup.MODP_2048) {
            assertTrue(gir[0] == 0 && girKey.missingLeadingZeros() > 0, "the token trimmed g^ir's leading zeros");
        }
        truth.gir("g^ir", g, peer, ke, gir);
        byte[] ni = random(32);
        byte[] nr = random(48);
        byte[] spiI = random(8);
        byte[] spiR = random(8);
        SealedKey skeyseed = await(s.skeyseed(prf, ni, nr, girKey, CTX));
        IkeSaKeys keys = await(s.ikeSaKeys(prf, skeyseed, ni, nr, spiI, spiR, integ, encr, CTX));
        byte[] refSkeyseed = Ikev2Reference.prf(prf, cat(ni, nr), gir);
        byte[] skD = ikeSaKeys(truth, "", prf, refSkeyseed, cat(ni, nr, spiI, spiR), integ, encr, keys);
        truth.secret("SKEYSEED", refSkeyseed);
        truth.secret("SK_d", skD);

        // a PRF output kept sealed, and one handed out (as AUTH is): prf(SK_d, data)
        SealedKey kept = await(s.deriveKey(prf, keys.skD(), nr, "kept", CTX));
        truth.secret("prf(SK_d, Nr) kept sealed", Ikev2Reference.prf(prf, skD, nr));
        truth.hostKey(
                "prf(SK_d, Ni)",
                Ikev2Reference.prf(prf, skD, ni),
                HostKey.adopt("prf", await(s.prf(prf, keys.skD(), ni, CTX))));
        await(s.prf(prf, kept, ni, CTX)); // used as a key, it still does not cross

        // IKE_AUTH's CHILD_SA: KEYMAT = prf+(SK_d, Ni | Nr) (§2.17)
        HostKey keymat = await(s.childKeymat(prf, keys.skD(), null, ni, nr, 2 * (encr + integ) + 8, CTX));
        truth.hostKey("KEYMAT", Ikev2Reference.prfPlus(prf, skD, cat(ni, nr), keymat.length()), keymat);

        // CREATE_CHILD_SA with PFS: KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr) (§2.17)
        DhKeyPair pfsPair = await(kx.generate(g, CTX));
        byte[] pfsKe = pfsPair.keyExchangeData();
        SoftwarePeer pfsPeer = SoftwarePeer.generate(g);
        byte[] pfsGir = pfsPeer.gir(pfsKe);
        SealedKey pfsGirKey = await(kx.agree(pfsPair, pfsPeer.keData(), CTX));
        truth.gir("g^ir PFS", g, pfsPeer, pfsKe, pfsGir);
        byte[] ni2 = random(32);
        byte[] nr2 = random(32);
        HostKey pfsKeymat = await(s.childKeymat(prf, keys.skD(), pfsGirKey, ni2, nr2, 3 * h + 5, CTX));
        truth.hostKey(
                "KEYMAT PFS", Ikev2Reference.prfPlus(prf, skD, cat(pfsGir, ni2, nr2), pfsKeymat.length()), pfsKeymat);

        // IKE SA rekey: SKEYSEED' = prf(SK_d, g^ir (new) | Ni | Nr), then the new SA's keys (§2.18)
        DhKeyPair rekeyPair = await(kx.generate(g, CTX));
        byte[] rekeyKe = rekeyPair.keyExchangeData();
        SoftwarePeer rekeyPeer = SoftwarePeer.generate(g);
        byte[] rekeyGir = rekeyPeer.gir(rekeyKe);
        SealedKey rekeyGirKey = await(kx.agree(rekeyPair, rekeyPeer.keData(), CTX));
        truth.gir("g^ir rekey", g, rekeyPeer, rekeyKe, rekeyGir);
        byte[] ni3 = random(64);
        byte[] nr3 = random(16);
        byte[] spiI3 = random(8);
        byte[] spiR3 = random(8);
        SealedKey skeyseed3 = await(s.rekeySkeyseed(prf, keys.skD(), rekeyGirKey, ni3, nr3, CTX));
        IkeSaKeys keys3 = await(s.ikeSaKeys(prf, skeyseed3, ni3, nr3, spiI3, spiR3, integ, encr, CTX));
        byte[] refSkeyseed3 = Ikev2Reference.prf(prf, skD, cat(rekeyGir, ni3, nr3));
        byte[] skD3 = ikeSaKeys(truth, " rekey", prf, refSkeyseed3, cat(ni3, nr3, spiI3, spiR3), integ, encr, keys3);
        truth.secret("SKEYSEED rekey", refSkeyseed3);
        truth.secret("SK_d rekey", skD3);

        // a CHILD_SA of the rekeyed IKE SA, keyed from SK_d'
        byte[] ni4 = random(32);
        byte[] nr4 = random(32);
        HostKey keymat4 = await(s.childKeymat(prf, keys3.skD(), null, ni4, nr4, h, CTX));
        truth.hostKey("KEYMAT rekeyed SA", Ikev2Reference.prfPlus(prf, skD3, cat(ni4, nr4), h), keymat4);

        P11TraceLog trace = P11TraceLog.read(nss.token().traceLog(), mark);
        assertDecodedHkdf(trace);
        // the derive's public value is decoded too (CK_ECDH1_DERIVE_PARAMS, or the DH derive's raw parameter)
        String field = g.kind() == DhGroup.Kind.ECP ? "ecdh.public" : "dh.public";
        assertEquals(field, where(trace, "peer's KE data", peer.keData()).split(" ", -1)[2]);
        truth.assertSealed(trace);
    }

    /**
     * PSK AUTH (§2.15): the PSK crosses once, into the token at import (the search sees it there, in C_CreateObject's
     * template); after that neither the PSK nor prf(PSK, "Key Pad for IKEv2") crosses, while AUTH does.
     */
    @Test
    void presharedKeyAndItsKeyPadStayInTheTokenAfterImport() {
        byte[] psk = random(48);
        long beforeImport = P11TraceLog.mark(nss.token().traceLog());
        await(PresharedKeys.importPsk(token, "ground-truth", psk.clone(), true));
        long afterImport = P11TraceLog.mark(nss.token().traceLog());
        Map<String, String> atImport =
                P11TraceLog.read(nss.token().traceLog(), beforeImport).find(new SecretSearch().add("PSK", psk));
        assertTrue(
                atImport.getOrDefault("PSK", "").contains("C_CreateObject template.0x11"),
                "the import writes the PSK into the token, and the search sees it: " + atImport);

        GroundTruth truth = new GroundTruth();
        truth.secret("PSK", psk);
        KeySchedule s = KeySchedule.forToken(token);
        PresharedKeys psks = new PresharedKeys(token);
        for (Prf prf : Prf.values()) {
            SealedKey pad = await(psks.keyPad(prf, "ground-truth", CTX));
            byte[] octets = random(300);
            byte[] auth = await(s.prf(prf, pad, octets, CTX));
            byte[] refPad = Ikev2Reference.prf(prf, psk, KEY_PAD);
            truth.secret("key pad " + prf.proposalName(), refPad);
            truth.hostKey(
                    "AUTH " + prf.proposalName(), Ikev2Reference.prf(prf, refPad, octets), HostKey.adopt("AUTH", auth));
        }
        truth.assertSealed(P11TraceLog.read(nss.token().traceLog(), afterImport));
    }

    /**
     * Negative controls: the same search catches wrong derivations a regression could bring in: SK_d derived as
     * data, g^ir bytes passed as HKDF salt, g^ir bytes passed as IKM; and the compat tier, which reads g^ir out by
     * design.
     */
    @Test
    void theSearchCatchesSecretsThatDoCross() throws Exception {
        Prf prf = Prf.HMAC_SHA2_256;
        KeyExchange kx = new KeyExchange(token);
        KeySchedule s = KeySchedule.forToken(token);
        DhKeyPair mine = await(kx.generate(DhGroup.ECP_256, CTX));
        SoftwarePeer peer = SoftwarePeer.generate(DhGroup.ECP_256);
        byte[] gir = peer.gir(mine.keyExchangeData());
        SealedKey girKey = await(kx.agree(mine, peer.keData(), CTX));
        byte[] ni = random(32);
        byte[] nr = random(32);
        byte[] seed = cat(ni, nr, random(8), random(8));
        SealedKey skeyseed = await(s.skeyseed(prf, ni, nr, girKey, CTX));
        byte[] refSkD = Ikev2Reference.prfPlus(prf, Ikev2Reference.prf(prf, cat(ni, nr), gir), seed, 32);
        KDF kdf = KDF.getInstance(prf.kdfAlgorithm(), token.provider());

        assertEquals(
                Map.of("SK_d", "C_GetAttributeValue values.0x11"),
                crossing(
                        "SK_d",
                        refSkD,
                        () -> assertArrayEquals(refSkD, DirectTestKeys.expandData(token, prf, skeyseed, seed, 32))));
        assertEquals(
                Map.of("g^ir", "C_DeriveKey hkdf.salt"),
                crossing(
                        "g^ir",
                        gir,
                        () -> kdf.deriveData(HKDFParameterSpec.ofExtract()
                                .addSalt(gir)
                                .addIKM(ni)
                                .extractOnly())));
        assertEquals(
                Map.of("g^ir", "C_CreateObject template.0x11"),
                crossing(
                        "g^ir",
                        gir,
                        () -> kdf.deriveData(HKDFParameterSpec.ofExtract()
                                .addSalt(cat(ni, nr))
                                .addIKM(gir)
                                .extractOnly())));

        try (Token compat = TestTokens.nss(
                compatNss.token(), TestTokens.memoryAudit(), ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE)) {
            long mark = P11TraceLog.mark(compatNss.token().traceLog());
            KeyExchange ckx = new KeyExchange(compat);
            DhKeyPair cmine = await(ckx.generate(DhGroup.ECP_256, CTX));
            SoftwarePeer cpeer = SoftwarePeer.generate(DhGroup.ECP_256);
            byte[] cgir = cpeer.gir(cmine.keyExchangeData());
            await(ckx.agree(cmine, cpeer.keData(), CTX));
            Map<String, String> found =
                    P11TraceLog.read(compatNss.token().traceLog(), mark).find(new SecretSearch().add("g^ir", cgir));
            assertTrue(
                    found.getOrDefault("g^ir", "").contains("C_GetAttributeValue values.0x11"),
                    "the compat tier reads g^ir out, and the search sees it: " + found);
        }
    }

    /** Where in {@code trace} {@code value} first crossed ("#17 C_DeriveKey ecdh.public"); fails if nowhere. */
    private static String where(P11TraceLog trace, String name, byte[] value) {
        String w = trace.find(new SecretSearch().add(name, value)).get(name);
        assertTrue(w != null, name + " is not in the trace");
        return w;
    }

    /** What {@code action} made cross, as secret name -> "function field" (call number dropped). */
    private static Map<String, String> crossing(String name, byte[] value, ThrowingRunnable action) throws Exception {
        long mark = P11TraceLog.mark(nss.token().traceLog());
        action.run();
        Map<String, String> found = new LinkedHashMap<>();
        P11TraceLog.read(nss.token().traceLog(), mark)
                .find(new SecretSearch().add(name, value))
                .forEach((k, where) -> found.put(k, where.substring(where.indexOf(' ') + 1)));
        return found;
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Checks the six host keys against prf+(SKEYSEED, seed) and registers them; returns SK_d. */
    private static byte[] ikeSaKeys(
            GroundTruth truth,
            String suffix,
            Prf prf,
            byte[] skeyseed,
            byte[] seed,
            int integ,
            int encr,
            IkeSaKeys keys) {
        int h = prf.outputLength();
        byte[] km = Ikev2Reference.prfPlus(prf, skeyseed, seed, 3 * h + 2 * integ + 2 * encr);
        int off = h;
        truth.hostKey("SK_ai" + suffix, Arrays.copyOfRange(km, off, off += integ), keys.skAi());
        truth.hostKey("SK_ar" + suffix, Arrays.copyOfRange(km, off, off += integ), keys.skAr());
        truth.hostKey("SK_ei" + suffix, Arrays.copyOfRange(km, off, off += encr), keys.skEi());
        truth.hostKey("SK_er" + suffix, Arrays.copyOfRange(km, off, off += encr), keys.skEr());
        truth.hostKey("SK_pi" + suffix, Arrays.copyOfRange(km, off, off += h), keys.skPi());
        truth.hostKey("SK_pr" + suffix, Arrays.copyOfRange(km, off, off + h), keys.skPr());
        return Arrays.copyOf(km, h);
    }

    /** The trace decoded what the schedule sends: HKDF with salt keys and salt bytes, and concatenations. */
    private static void assertDecodedHkdf(P11TraceLog trace) {
        List<P11TraceLog.Call> hkdf = trace.calls().stream()
                .filter(c -> c.function().equals("C_DeriveKey")
                        && ("0x402a".equals(c.field("mech")) || "0x402b".equals(c.field("mech"))))
                .toList();
        assertTrue(hkdf.stream().anyMatch(c -> "0x2".equals(c.field("hkdf.saltType"))), "HKDF with salt bytes");
        assertTrue(hkdf.stream().anyMatch(c -> "0x4".equals(c.field("hkdf.saltType"))), "HKDF with a salt key");
        assertTrue(trace.calls().stream().anyMatch(c -> c.field("string.data") != null), "CONCATENATE_* data");
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
