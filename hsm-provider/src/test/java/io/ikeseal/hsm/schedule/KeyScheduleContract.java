package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.Ikev2Reference.cat;
import static io.ikeseal.hsm.schedule.Ikev2Reference.hex;
import static io.ikeseal.hsm.schedule.Ikev2Reference.prf;
import static io.ikeseal.hsm.schedule.Ikev2Reference.prfPlus;
import static io.ikeseal.hsm.schedule.Ikev2Reference.range;
import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;

/**
 * What every key schedule must compute, checked against {@link Ikev2Reference} on random inputs (random nonce,
 * g^ir and data lengths, including Ni | Nr longer than the hash block) and against public known answers.
 * Subclasses supply a real token at a residency tier and say what "sealed" means there.
 */
abstract class KeyScheduleContract {
    static final AuditContext CTX = new AuditContext("0123456789abcdef", "fedcba9876543210", "192.0.2.7");
    /** (integ, encr) pairs: AES-GCM-16-256 (no integ, 32 + 4 salt), AES-CBC-256 + HMAC-SHA2-256-128, odd sizes. */
    private static final int[][] TRANSFORMS = {{0, 36}, {32, 32}, {64, 16}, {48, 20}};

    private final long seed = System.nanoTime();
    final Random rnd = new Random(seed);

    /** The token under test: each subclass registers its extension on a static field and passes it here. */
    private final OpenTokenExtension opened;

    KeyScheduleContract(OpenTokenExtension opened) {
        this.opened = opened;
    }

    Token token() {
        return opened.token();
    }

    MemoryAuditSink audit() {
        return opened.audit();
    }

    /** Asserts that {@code key} has the residency its tier promises. */
    abstract void assertResidency(SealedKey key);

    KeySchedule schedule() {
        return KeySchedule.forToken(token());
    }

    String seed() {
        return "random seed " + seed;
    }

    byte[] random(int length) {
        byte[] b = new byte[length];
        rnd.nextBytes(b);
        return b;
    }

    byte[] randomNonce() {
        return random(16 + rnd.nextInt(241));
    }

    SealedKey secret(String name, byte[] value) {
        return TokenSecrets.secret(token(), name, value);
    }

    /** A sealed key is compared through a PRF output under it: prf(key, x) from the token vs software. */
    void assertSameKey(Prf prf, byte[] expected, SealedKey key) {
        byte[] x = random(1 + rnd.nextInt(300));
        assertArrayEquals(
                prf(prf, expected, x),
                await(schedule().prf(prf, key, x, CTX)),
                key.name() + " differs from the software reference; " + seed());
    }

    /** SKEYSEED from known inputs; returns the software value, the sealed key in holder[0]. */
    byte[] skeyseed(Prf prf, byte[] ni, byte[] nr, SealedKey[] holder) {
        byte[] gir = random(32 + rnd.nextInt(225));
        SealedKey g = secret("g^ir", gir);
        holder[0] = await(schedule().skeyseed(prf, ni, nr, g, CTX));
        g.destroy();
        return prf(prf, cat(ni, nr), gir);
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void skeyseedEqualsSoftware(Prf prf) {
        byte[][][] nonces = {
            {random(256), random(256)},
            {random(16), random(16)},
            {randomNonce(), randomNonce()},
            {randomNonce(), randomNonce()}
        };
        for (byte[][] n : nonces) {
            SealedKey[] sk = new SealedKey[1];
            byte[] ref = skeyseed(prf, n[0], n[1], sk);
            assertEquals("SKEYSEED", sk[0].name());
            assertEquals(prf.outputLength(), sk[0].length());
            assertResidency(sk[0]);
            assertSameKey(prf, ref, sk[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void ikeSaKeysEqualSoftwarePrfPlus(Prf prf) {
        for (int[] t : TRANSFORMS) {
            byte[] ni = randomNonce();
            byte[] nr = randomNonce();
            byte[] spiI = random(8);
            byte[] spiR = random(8);
            SealedKey[] sk = new SealedKey[1];
            byte[] seedRef = skeyseed(prf, ni, nr, sk);
            int h = prf.outputLength();
            int integ = t[0];
            int encr = t[1];
            byte[] ref = prfPlus(prf, seedRef, cat(ni, nr, spiI, spiR), h + 2 * integ + 2 * encr + 2 * h);

            IkeSaKeys keys = await(schedule().ikeSaKeys(prf, sk[0], ni, nr, spiI, spiR, integ, encr, CTX));

            int off = h;
            for (HostKey k : List.of(keys.skAi(), keys.skAr(), keys.skEi(), keys.skEr(), keys.skPi(), keys.skPr())) {
                byte[] expected = Arrays.copyOfRange(ref, off, off + k.length());
                assertArrayEquals(
                        expected, k.bytes(), k.name() + " (integ " + integ + ", encr " + encr + "); " + seed());
                off += k.length();
            }
            assertEquals(ref.length, off);
            assertEquals(
                    List.of(integ, integ, encr, encr, h, h),
                    List.of(
                            keys.skAi().length(),
                            keys.skAr().length(),
                            keys.skEi().length(),
                            keys.skEr().length(),
                            keys.skPi().length(),
                            keys.skPr().length()));
            assertEquals("SK_d", keys.skD().name());
            assertResidency(keys.skD());
            assertSameKey(prf, Arrays.copyOf(ref, h), keys.skD());
            assertFalse(sk[0].isDestroyed(), "inputs are not destroyed by the schedule");

            keys.destroy();
            assertTrue(keys.skEi().isDestroyed() && keys.skD().isDestroyed());
            assertThrows(IllegalStateException.class, () -> keys.skEi().bytes());
        }
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void rekeyedSkeyseedAndItsKeysEqualSoftware(Prf oldPrf) {
        byte[] skDOld = random(oldPrf.outputLength());
        byte[] girNew = random(32 + rnd.nextInt(225));
        byte[] ni = randomNonce();
        byte[] nr = randomNonce();
        SealedKey d = secret("SK_d", skDOld);
        SealedKey g = secret("g^ir", girNew);

        SealedKey rekeyed = await(schedule().rekeySkeyseed(oldPrf, d, g, ni, nr, CTX));

        byte[] ref = prf(oldPrf, skDOld, girNew, ni, nr);
        assertResidency(rekeyed);
        assertSameKey(oldPrf, ref, rekeyed);
        // The new IKE SA may negotiate another PRF; its keys come from the old PRF's SKEYSEED.
        java.util.List<Prf> prfs = java.util.List.of(Prf.values());
        Prf newPrf = prfs.get((prfs.indexOf(oldPrf) + 1) % prfs.size());
        byte[] spiI = random(8);
        byte[] spiR = random(8);
        IkeSaKeys keys = await(schedule().ikeSaKeys(newPrf, rekeyed, ni, nr, spiI, spiR, 32, 32, CTX));
        int h = newPrf.outputLength();
        byte[] refKeys = prfPlus(newPrf, ref, cat(ni, nr, spiI, spiR), 3 * h + 128);
        assertArrayEquals(Arrays.copyOfRange(refKeys, h, h + 32), keys.skAi().bytes());
        assertArrayEquals(
                Arrays.copyOfRange(refKeys, 3 * h + 128 - h, 3 * h + 128),
                keys.skPr().bytes());
        assertSameKey(newPrf, Arrays.copyOf(refKeys, h), keys.skD());
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void childKeymatWithAndWithoutPfsEqualsSoftware(Prf prf) {
        int h = prf.outputLength();
        byte[] skD = random(h);
        SealedKey d = secret("SK_d", skD);
        for (int length : new int[] {128, 72, 1, h, 3 * h + 5, 2 * (32 + 64)}) {
            byte[] ni = randomNonce();
            byte[] nr = randomNonce();
            HostKey plain = await(schedule().childKeymat(prf, d, null, ni, nr, length, CTX));
            assertEquals("KEYMAT", plain.name());
            assertArrayEquals(
                    prfPlus(prf, skD, cat(ni, nr), length), plain.bytes(), "no PFS, " + length + "; " + seed());

            byte[] girNew = random(32 + rnd.nextInt(225));
            SealedKey g = secret("g^ir", girNew);
            HostKey pfs = await(schedule().childKeymat(prf, d, g, ni, nr, length, CTX));
            assertArrayEquals(
                    prfPlus(prf, skD, cat(girNew, ni, nr), length), pfs.bytes(), "PFS, " + length + "; " + seed());
            assertFalse(g.isDestroyed());
        }
        // The longest prf+ output: 255 blocks.
        byte[] ni = randomNonce();
        byte[] nr = randomNonce();
        assertArrayEquals(
                prfPlus(prf, skD, cat(ni, nr), 255 * h),
                await(schedule().childKeymat(prf, d, null, ni, nr, 255 * h, CTX))
                        .bytes());
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void prfAndDeriveKeyEqualSoftware(Prf prf) {
        for (int keyLength : new int[] {16, prf.outputLength(), prf.blockLength(), prf.blockLength() + 1, 300}) {
            byte[] key = random(keyLength);
            SealedKey k = secret("K", key);
            for (int dataLength : new int[] {1, 17, 64, 5000}) {
                byte[] data = random(dataLength);
                assertArrayEquals(
                        prf(prf, key, data),
                        await(schedule().prf(prf, k, data, CTX)),
                        "prf with a " + keyLength + "-octet key over " + dataLength + " octets; " + seed());
            }
            byte[] data = random(40);
            SealedKey derived = await(schedule().deriveKey(prf, k, data, "derived", CTX));
            assertEquals("derived", derived.name());
            assertResidency(derived);
            assertSameKey(prf, prf(prf, key, data), derived);
        }
    }

    /** RFC 5869 A.2 (SHA-256, 80-octet salt, IKM and info) as SKEYSEED and KEYMAT: salt = Ni | Nr, info = Ni | Nr. */
    @Test
    void rfc5869TestCase2ThroughTheSchedule() {
        Prf prf = Prf.HMAC_SHA2_256;
        byte[] salt = range(0x60, 0xaf);
        byte[] info = range(0xb0, 0xff);
        SealedKey ikm = secret("IKM", range(0x00, 0x4f));
        SealedKey prk =
                await(schedule().skeyseed(prf, Arrays.copyOf(salt, 40), Arrays.copyOfRange(salt, 40, 80), ikm, CTX));
        byte[] expectedPrk = hex("06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
        assertSameKey(prf, expectedPrk, prk);
        HostKey okm = await(schedule()
                .childKeymat(prf, prk, null, Arrays.copyOf(info, 40), Arrays.copyOfRange(info, 40, 80), 82, CTX));
        assertArrayEquals(
                hex(
                        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
                                + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"),
                okm.bytes());
    }

    /**
     * Known answers for prfsha256 from AOSP's IPsec module tests (IkeMacPrfTest): SKEYSEED from 32-octet nonces and
     * a 66-octet g^ir, and prf(K, data) for an AUTH-style input.
     */
    @Test
    void aospPrfSha256KnownAnswers() {
        Prf prf = Prf.HMAC_SHA2_256;
        byte[] ni = hex("25de54767208d840fbe6881c699cbc8841582eae6f8724ac17c0ad8680e57b3e");
        byte[] nr = hex("7550340a140ce00f523b0e4bddec7671336bbca8c3dd2e31312d36c904950ca4");
        SealedKey gir = secret(
                "g^ir",
                hex("01FB25276B0D1D9979DAC170B53815988C31A50AD0DF4EEB89B8407EFAE3A676"
                        + "281903E48AD020050C9E1522F4DDA031C57A7A3D0CA9D075F044B5212E2A88B92E71"));
        SealedKey sk = await(schedule().skeyseed(prf, ni, nr, gir, CTX));
        assertSameKey(prf, hex("9A3E05D4DBE797DC45DA7660DB60C9CCCEEBBC32CA2B0EDA5B5A8793EF192E4E"), sk);

        SealedKey k = secret("SK_pi", hex("E6075DF8C7DE1695C3641C190920E8C0655DE695A429FEAC9AA8F932871F1EDD"));
        assertArrayEquals(
                hex("CFEE9454BA2FFFAD01D0B49EAEA854B5FEC9839F8747600F85197FF0054AE716"),
                await(schedule().prf(prf, k, hex("01000000C0A82B67"), CTX)));
    }

    /**
     * A g^ir held without its leading zero octets (as NSS returns a MODP g^ir) gives the RFC 7296 results of the
     * whole value: SKEYSEED (§2.14), the rekeyed SKEYSEED (§2.18) and child KEYMAT with PFS (§2.17), the latter over
     * several blocks so T(k-1) | zeros | g^ir | Ni | Nr | k is covered.
     */
    @ParameterizedTest
    @EnumSource(Prf.class)
    void girWithoutItsLeadingZerosGivesTheRfcResults(Prf prf) {
        for (int zeros : new int[] {1, 2}) {
            byte[] gir = random(256);
            Arrays.fill(gir, 0, zeros, (byte) 0);
            gir[zeros] = (byte) (1 + rnd.nextInt(255));
            SealedKey g = TokenSecrets.trimmed(token(), "g^ir", gir);
            assertEquals(256, g.length());
            assertEquals(zeros, g.missingLeadingZeros());
            byte[] ni = randomNonce();
            byte[] nr = randomNonce();
            SealedKey sk = await(schedule().skeyseed(prf, ni, nr, g, CTX));
            assertSameKey(prf, prf(prf, cat(ni, nr), gir), sk);
            byte[] skDOld = random(prf.outputLength());
            SealedKey d = secret("SK_d", skDOld);
            assertSameKey(prf, prf(prf, skDOld, gir, ni, nr), await(schedule().rekeySkeyseed(prf, d, g, ni, nr, CTX)));
            int length = 2 * prf.outputLength() + 7;
            assertArrayEquals(
                    prfPlus(prf, skDOld, cat(gir, ni, nr), length),
                    await(schedule().childKeymat(prf, d, g, ni, nr, length, CTX))
                            .bytes(),
                    "PFS KEYMAT; " + seed());
        }
    }

    /** HMAC(K) differs for K without its leading zeros, so such a key is refused as an HMAC key before any call. */
    @Test
    void aKeyWithoutItsLeadingZerosIsNoHmacKey() {
        Prf prf = Prf.HMAC_SHA2_256;
        byte[] value = random(32);
        value[0] = 0;
        value[1] = 1;
        SealedKey k = TokenSecrets.trimmed(token(), "g^ir", value);
        SealedKey whole = secret("g^ir", random(32));
        byte[] n = random(32);
        byte[] spi = random(8);
        KeySchedule s = schedule();
        int before = audit().records().size();
        List<org.junit.jupiter.api.function.Executable> calls = List.of(
                () -> s.prf(prf, k, n, CTX),
                () -> s.deriveKey(prf, k, n, "derived", CTX),
                () -> s.ikeSaKeys(prf, k, n, n, spi, spi, 32, 32, CTX),
                () -> s.rekeySkeyseed(prf, k, whole, n, n, CTX),
                () -> s.childKeymat(prf, k, null, n, n, 64, CTX),
                () -> s.childKeymat(prf, k, whole, n, n, 64, CTX));
        for (var call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertTrue(e.getMessage().contains("cannot be an HMAC key"), e.getMessage());
        }
        assertEquals(before, audit().records().size(), "no token call");
    }

    @Test
    void inputsAreCheckedBeforeAnyTokenCall() {
        Prf prf = Prf.HMAC_SHA2_256;
        SealedKey k = secret("K", random(32));
        byte[] n = random(32);
        byte[] spi = random(8);
        KeySchedule s = schedule();
        SealedKey gone = secret("gone", random(32));
        gone.destroy();
        int before = audit().records().size();
        assertMessage("Ni must be 16..256", () -> s.skeyseed(prf, random(15), n, k, CTX));
        assertMessage("Nr must be 16..256", () -> s.skeyseed(prf, n, random(257), k, CTX));
        assertMessage("SPIi must be 8", () -> s.ikeSaKeys(prf, k, n, n, random(4), spi, 32, 32, CTX));
        assertMessage("SPIr must be 8", () -> s.ikeSaKeys(prf, k, n, n, spi, random(9), 32, 32, CTX));
        assertMessage("encryption key length must be > 0", () -> s.ikeSaKeys(prf, k, n, n, spi, spi, 32, 0, CTX));
        assertMessage("integrity key length must be >= 0", () -> s.ikeSaKeys(prf, k, n, n, spi, spi, -1, 16, CTX));
        assertMessage("IKE SA key material must be 1..8160", () -> s.ikeSaKeys(prf, k, n, n, spi, spi, 4100, 16, CTX));
        assertMessage("KEYMAT length must be 1..8160", () -> s.childKeymat(prf, k, null, n, n, 0, CTX));
        assertMessage("KEYMAT length must be 1..8160", () -> s.childKeymat(prf, k, null, n, n, 8161, CTX));
        assertMessage("data must not be empty", () -> s.prf(prf, k, new byte[0], CTX));
        assertMessage("g^ir (gone) was destroyed", () -> s.skeyseed(prf, n, n, gone, CTX));
        assertEquals(before, audit().records().size(), "no token call for invalid input");
    }

    @Test
    void everyStepIsOneAuditedTokenCallNamingItsInputKey() {
        Prf prf = Prf.HMAC_SHA2_384;
        byte[] n = random(32);
        byte[] spi = random(8);
        audit().clear();
        SealedKey gir = secret("g^ir", random(48));
        SealedKey sk = await(schedule().skeyseed(prf, n, n, gir, CTX));
        IkeSaKeys keys = await(schedule().ikeSaKeys(prf, sk, n, n, spi, spi, 0, 36, CTX));
        await(schedule().childKeymat(prf, keys.skD(), gir, n, n, 72, CTX));
        await(schedule().rekeySkeyseed(prf, keys.skD(), gir, n, n, CTX));
        await(schedule().prf(prf, sk, n, CTX));
        List<String> ops = new ArrayList<>();
        for (AuditRecord r : audit().records()) {
            if (!r.operation().equals("test-import")) {
                ops.add(r.operation() + ":" + r.keyRef());
                assertEquals(CTX, r.context());
                assertEquals("ok", r.result());
                assertEquals(token().name(), r.token());
            }
        }
        List<String> expected = new ArrayList<>(List.of("skeyseed:g^ir"));
        expected.addAll(expectedIkeSaKeyOps());
        expected.addAll(List.of("child-keymat:SK_d", "rekey-skeyseed:SK_d", "prf:SKEYSEED"));
        assertEquals(expected, ops);
    }

    /** The audited operations of one ikeSaKeys call. */
    abstract List<String> expectedIkeSaKeyOps();

    @Test
    void concurrentDerivationsStayCorrect() {
        Prf prf = Prf.HMAC_SHA2_512;
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        SealedKey k = secret("K", random(64));
        for (int i = 0; i < 64; i++) {
            byte[] ni = randomNonce();
            byte[] nr = randomNonce();
            byte[] skD = random(64);
            SealedKey d = secret("SK_d", skD);
            results.add(schedule().childKeymat(prf, d, null, ni, nr, 100, CTX).thenApply(HostKey::bytes));
            expected.add(prfPlus(prf, skD, cat(ni, nr), 100));
        }
        for (int i = 0; i < results.size(); i++) {
            assertArrayEquals(expected.get(i), await(results.get(i)), "derivation " + i + "; " + seed());
        }
        assertFalse(k.isDestroyed());
    }

    static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
