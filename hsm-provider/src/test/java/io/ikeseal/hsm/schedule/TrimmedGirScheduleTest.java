package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.Ikev2Reference.cat;
import static io.ikeseal.hsm.schedule.Ikev2Reference.prf;
import static io.ikeseal.hsm.schedule.Ikev2Reference.prfPlus;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.KeyAgreement;
import javax.crypto.interfaces.DHPublicKey;
import javax.crypto.spec.DHPublicKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.DirectTestKeys;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.DhGroup;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.kx.DhKeyPair;
import io.ikeseal.hsm.kx.KeyExchange;
import io.ikeseal.hsm.kx.ModpGroups;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;

/**
 * The real case end to end on NSS softoken: a MODP-2048 g^ir that starts with 0x00, which NSS returns without its
 * leading zero octets, feeds SKEYSEED, the rekeyed SKEYSEED and child KEYMAT with PFS; each equals the software
 * reference computed from the RFC 7296 §2.14 value (zeros kept). The case is forced by searching software peers
 * (one token key pair, many software pairs) until the software g^ir starts with 0x00, then agreeing once in the token.
 */
class TrimmedGirScheduleTest {
    static final NssExtension nss = NssExtension.create().withName("trimmed-gir");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);

    static final AuditContext CTX = AuditContext.NONE;
    static final int MAX_TRIES = 5000;
    static final long MAX_NANOS = 20_000_000_000L;
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void trimmedModpGirGivesTheRfcSkeyseedRekeyAndPfsKeymat() throws Exception {
        KeyExchange kx = new KeyExchange(opened.token());
        DhKeyPair mine = await(kx.generate(DhGroup.MODP_2048, CTX));
        KeyPair peer = null;
        byte[] expected = null;
        int tries = 0;
        long start = System.nanoTime();
        while (expected == null || expected[0] != 0) {
            assertTrue(
                    ++tries <= MAX_TRIES && System.nanoTime() - start < MAX_NANOS,
                    "no g^ir with a leading zero octet in " + (tries - 1) + " tries");
            peer = softwarePair();
            expected = softwareGir(peer, mine.keyExchangeData());
        }
        SealedKey gir = await(kx.agree(mine, pad(((DHPublicKey) peer.getPublic()).getY()), CTX));
        int zeros = 0;
        while (expected[zeros] == 0) {
            zeros++;
        }
        assertEquals(256, gir.length());
        assertEquals(zeros, gir.missingLeadingZeros(), "NSS trims the leading zeros of a MODP g^ir");
        assertEquals("sensitive, unextractable", DirectTestKeys.flags(opened.token(), gir), "g^ir stays sealed");

        KeySchedule s = KeySchedule.forToken(opened.token());
        for (Prf prf : Prf.values()) {
            byte[] ni = nonce();
            byte[] nr = nonce();
            // SKEYSEED = prf(Ni | Nr, g^ir); and not what the trimmed value would give.
            SealedKey skeyseed = await(s.skeyseed(prf, ni, nr, gir, CTX));
            byte[] x = bytes(40);
            byte[] got = await(s.prf(prf, skeyseed, x, CTX));
            assertArrayEquals(prf(prf, prf(prf, cat(ni, nr), expected), x), got, "SKEYSEED " + prf);
            byte[] trimmed = Arrays.copyOfRange(expected, zeros, expected.length);
            assertFalse(Arrays.equals(prf(prf, prf(prf, cat(ni, nr), trimmed), x), got));
            // SKEYSEED' = prf(SK_d (old), g^ir (new) | Ni | Nr).
            byte[] skDOld = bytes(prf.outputLength());
            SealedKey d = TokenSecrets.secret(opened.token(), "SK_d", skDOld);
            SealedKey rekeyed = await(s.rekeySkeyseed(prf, d, gir, ni, nr, CTX));
            assertArrayEquals(
                    prf(prf, prf(prf, skDOld, expected, ni, nr), x),
                    await(s.prf(prf, rekeyed, x, CTX)),
                    "rekeyed SKEYSEED " + prf);
            // KEYMAT = prf+(SK_d, g^ir (new) | Ni | Nr), several blocks.
            for (int length : new int[] {prf.outputLength(), 3 * prf.outputLength() + 5}) {
                assertArrayEquals(
                        prfPlus(prf, skDOld, cat(expected, ni, nr), length),
                        await(s.childKeymat(prf, d, gir, ni, nr, length, CTX)).bytes(),
                        "PFS KEYMAT " + prf);
            }
        }
    }

    private static KeyPair softwarePair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("DH", "SunJCE");
        g.initialize(ModpGroups.parameters(DhGroup.MODP_2048), RANDOM);
        return g.generateKeyPair();
    }

    /** The software side's g^ir at the prime's length (RFC 7296 §2.14). */
    private static byte[] softwareGir(KeyPair peer, byte[] tokenKeData) throws Exception {
        var tokenPublic = KeyFactory.getInstance("DH", "SunJCE")
                .generatePublic(
                        new DHPublicKeySpec(new BigInteger(1, tokenKeData), ModpGroups.PRIME_2048, BigInteger.TWO));
        KeyAgreement ka = KeyAgreement.getInstance("DH", "SunJCE");
        ka.init(peer.getPrivate());
        ka.doPhase(tokenPublic, true);
        return pad(new BigInteger(1, ka.generateSecret()));
    }

    private static byte[] pad(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[256];
        int n = Math.min(b.length, 256);
        System.arraycopy(b, b.length - n, out, 256 - n, n);
        return out;
    }

    private static byte[] nonce() {
        return bytes(16 + RANDOM.nextInt(241));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
