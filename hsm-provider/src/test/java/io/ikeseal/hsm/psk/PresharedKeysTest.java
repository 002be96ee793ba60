package io.ikeseal.hsm.psk;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyStore;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.TestTokens;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.NssExtension;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * PSKs in a persistent NSS database (key-storage slot): AUTH through the token equals the software
 * prf(prf(PSK, "Key Pad for IKEv2"), octets) of RFC 7296 §2.15 for every PSK length and PRF, and nothing stored or
 * derived is readable.
 */
class PresharedKeysTest {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");
    static final int[] LENGTHS = {1, 16, 31, 32, 33, 64, 65, 100, 128, 129, 200};

    static final NssExtension nss = NssExtension.create().withName("psk");

    @RegisterExtension
    static final OpenTokenExtension opened = OpenTokenExtension.nss(nss, ResidencyTier.SEALED, TokenRole.KEY_EXCHANGE);
    /** Only for the compat-refusal test, which opens its own token on it. */
    @RegisterExtension
    static final SoftHsmExtension softHsm = SoftHsmExtension.create().withLabel("pskcompat");

    private final Random rnd = new Random();

    private static Token token() {
        return opened.token();
    }

    @Test
    void authThroughTheTokenEqualsSoftwareForEveryLengthAndPrf() {
        for (int len : LENGTHS) {
            byte[] psk = random(len);
            String name = "peer-" + len;
            byte[] given = psk.clone();
            PskImport result = await(PresharedKeys.importPsk(token(), name, given, false));
            assertArrayEquals(new byte[len], given, "the caller's array is wiped");
            assertEquals(new PskImport(name, len, false, len < PresharedKeys.RECOMMENDED_MIN_LENGTH), result);
            for (Prf prf : Prf.values()) {
                assertAuth(token(), prf, name, psk);
            }
        }
    }

    @Test
    void storedChunksAndKeyPadsAreSealedAndSurviveReopeningTheToken() {
        byte[] psk = random(129);
        await(PresharedKeys.importPsk(token(), "survivor", psk.clone(), false));
        SealedKey pad = await(new PresharedKeys(token()).keyPad(Prf.HMAC_SHA2_512, "survivor", CTX));
        assertSealed(pad.key(), "key pad");

        // A freshly loaded KeyStore (the fixture's own provider) finds every chunk, as sealed token objects.
        KeyStore fresh = nss.token().keyStore();
        List<String> aliases = Collections.list(aliases(fresh)).stream()
                .filter(a -> a.startsWith("ikeseal-psk/survivor/"))
                .sorted()
                .toList();
        // 129 octets: hashed for every PRF, to 32 (one chunk), 48 and 64 (two chunks each).
        assertEquals(
                List.of(
                        "ikeseal-psk/survivor/prfsha256/0",
                        "ikeseal-psk/survivor/prfsha384/0",
                        "ikeseal-psk/survivor/prfsha384/1",
                        "ikeseal-psk/survivor/prfsha512/0",
                        "ikeseal-psk/survivor/prfsha512/1"),
                aliases);
        for (String a : aliases) {
            Key k = getKey(fresh, a);
            assertNotNull(k, a);
            assertEquals("AES", k.getAlgorithm());
            assertSealed(k, a);
            assertTrue(k.toString().contains("token object"), k.toString());
        }

        // Close the token (logout) and open it again: the PSK is still there and gives the same AUTH.
        opened.reopen();
        assertTrue(await(PresharedKeys.exists(token(), "survivor")));
        for (Prf prf : Prf.values()) {
            assertAuth(token(), prf, "survivor", psk);
        }
    }

    @Test
    void importRefusesDuplicatesUnlessReplacingAndDeleteRemovesEveryChunk() {
        byte[] first = random(40);
        byte[] second = random(70);
        await(PresharedKeys.importPsk(token(), "gw.example.com", first.clone(), false));
        TokenException dup = assertThrows(
                TokenException.class,
                () -> await(PresharedKeys.importPsk(token(), "gw.example.com", second.clone(), false)));
        assertTrue(dup.getMessage().contains("already exists"), dup.getMessage());
        assertAuth(token(), Prf.HMAC_SHA2_256, "gw.example.com", first);

        PskImport replaced = await(PresharedKeys.importPsk(token(), "gw.example.com", second.clone(), true));
        assertTrue(replaced.replaced());
        for (Prf prf : Prf.values()) {
            assertAuth(token(), prf, "gw.example.com", second);
        }
        assertTrue(await(PresharedKeys.list(token())).contains("gw.example.com"));

        assertTrue(await(PresharedKeys.delete(token(), "gw.example.com")));
        assertFalse(await(PresharedKeys.exists(token(), "gw.example.com")));
        assertFalse(await(PresharedKeys.list(token())).contains("gw.example.com"));
        assertFalse(await(PresharedKeys.delete(token(), "gw.example.com")));
        TokenException missing = assertThrows(
                TokenException.class,
                () -> await(new PresharedKeys(token()).keyPad(Prf.HMAC_SHA2_256, "gw.example.com", CTX)));
        assertTrue(missing.getMessage().contains("no pre-shared key 'gw.example.com'"), missing.getMessage());
    }

    @Test
    void badInputIsRefusedAtOnceAndStillWiped() {
        byte[] psk = random(20);
        IllegalArgumentException badName =
                assertThrows(IllegalArgumentException.class, () -> PresharedKeys.importPsk(token(), "a/b", psk, false));
        assertTrue(badName.getMessage().contains("name"), badName.getMessage());
        assertArrayEquals(new byte[20], psk);
        IllegalArgumentException empty = assertThrows(
                IllegalArgumentException.class, () -> PresharedKeys.importPsk(token(), "empty", new byte[0], false));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());
    }

    @Test
    void auditRecordsNameThePskNeverItsValue() {
        byte[] psk = random(48);
        String hex = HexFormat.of().formatHex(psk);
        await(PresharedKeys.importPsk(token(), "audited", psk.clone(), false));
        await(new PresharedKeys(token()).keyPad(Prf.HMAC_SHA2_384, "audited", CTX));
        AuditRecord imported = opened.audit().byOperation("psk-import").stream()
                .filter(r -> "audited".equals(r.keyRef()))
                .findFirst()
                .orElseThrow();
        assertEquals("ok", imported.result());
        AuditRecord pad = opened.audit().byOperation("psk-keypad").stream()
                .filter(r -> "audited".equals(r.keyRef()))
                .findFirst()
                .orElseThrow();
        assertEquals("CKM_HKDF_DERIVE", pad.mechanism());
        assertEquals(CTX, pad.context());
        for (AuditRecord r : opened.audit().records()) {
            assertFalse(r.toString().toLowerCase(java.util.Locale.ROOT).contains(hex.substring(0, 16)), r.toString());
        }
    }

    /**
     * {@link PresharedKeys#auth}: the key pad is derived once per PSK and PRF ("psk-keypad" once), every AUTH is one
     * "prf" record under it and equals the software value; a PSK replaced or deleted in this process is seen by the
     * next AUTH at once, never served from a kept pad.
     */
    @Test
    void authKeepsTheKeyPadUntilAPskChanges() {
        byte[] first = random(40);
        byte[] second = random(40);
        await(PresharedKeys.importPsk(token(), "kept", first.clone(), true));
        PresharedKeys psks = new PresharedKeys(token());
        Prf prf = Prf.HMAC_SHA2_256;
        for (int i = 0; i < 3; i++) {
            byte[] octets = random(100);
            assertArrayEquals(expectedAuth(prf, first, octets), await(psks.auth(prf, "kept", octets, CTX)));
        }
        assertEquals(1, derivations("kept"), "the key pad is derived once, then kept");
        assertEquals(
                3,
                opened.audit().byOperation("prf").stream()
                        .filter(r -> "psk-keypad/kept".equals(r.keyRef()))
                        .count());

        await(PresharedKeys.importPsk(token(), "kept", second.clone(), true));
        byte[] octets = random(100);
        assertArrayEquals(expectedAuth(prf, second, octets), await(psks.auth(prf, "kept", octets, CTX)));
        assertEquals(2, derivations("kept"), "a replaced PSK gets a new key pad");

        await(PresharedKeys.delete(token(), "kept"));
        TokenException gone = assertThrows(TokenException.class, () -> await(psks.auth(prf, "kept", random(10), CTX)));
        assertTrue(gone.getMessage().contains("no pre-shared key 'kept'"), gone.getMessage());
    }

    private static long derivations(String name) {
        return opened.audit().byOperation("psk-keypad").stream()
                .filter(r -> name.equals(r.keyRef()))
                .count();
    }

    private static byte[] expectedAuth(Prf prf, byte[] psk, byte[] octets) {
        return hmac(prf, hmac(prf, psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII)), octets);
    }

    @Test
    void aCompatTokenCannotHoldPsksAndSaysWhy() {
        try (Token compat = TestTokens.softHsm(
                softHsm.token(), TestTokens.memoryAudit(), ResidencyTier.COMPAT, TokenRole.KEY_EXCHANGE)) {
            TokenException pad = assertThrows(
                    TokenException.class, () -> await(new PresharedKeys(compat).keyPad(Prf.HMAC_SHA2_256, "any", CTX)));
            assertTrue(pad.getMessage().contains("CKM_HKDF_DERIVE"), pad.getMessage());
            TokenException imp = assertThrows(
                    TokenException.class, () -> await(PresharedKeys.importPsk(compat, "any", random(32), false)));
            assertTrue(imp.getMessage().contains("CKM_HKDF_DERIVE"), imp.getMessage());
        }
    }

    /** AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets) through the token vs software. */
    private void assertAuth(Token t, Prf prf, String name, byte[] psk) {
        SealedKey pad = await(new PresharedKeys(t).keyPad(prf, name, CTX));
        assertSealed(pad.key(), "key pad");
        byte[] octets = random(200 + rnd.nextInt(800));
        byte[] auth = await(KeySchedule.forToken(t).prf(prf, pad, octets, CTX));
        byte[] expected = hmac(prf, hmac(prf, psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII)), octets);
        assertArrayEquals(expected, auth, prf + ", PSK of " + psk.length + " octets");
        pad.destroy();
    }

    private static void assertSealed(Key k, String what) {
        assertNull(k.getEncoded(), what + " must not be readable");
        assertTrue(k.toString().contains(", sensitive, unextractable)"), what + ": " + k);
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] hmac(Prf prf, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(prf.macAlgorithm(), "SunJCE");
            mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static java.util.Enumeration<String> aliases(KeyStore ks) {
        try {
            return ks.aliases();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Key getKey(KeyStore ks, String alias) {
        try {
            return ks.getKey(alias, null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
