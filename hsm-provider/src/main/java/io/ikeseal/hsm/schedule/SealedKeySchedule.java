package io.ikeseal.hsm.schedule;

import static io.ikeseal.hsm.schedule.ScheduleInputs.concat;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.HostKey;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;

/**
 * The key schedule as HKDF inside the token (docs/key-schedule.md): prf(K, S) =
 * HKDF-Extract(salt = K, IKM = S) and prf+ = HKDF-Expand. Secrets (SKEYSEED, SK_d, PRF outputs kept as keys) are
 * token keys created sensitive and unextractable by the sealed tier's SunPKCS11 template; only outputs the host
 * may hold come back as bytes (CKM_HKDF_DATA).
 */
final class SealedKeySchedule extends KeyScheduleTier {
    static final String DERIVE = "CKM_HKDF_DERIVE";
    static final String DATA = "CKM_HKDF_DATA";
    /** SunPKCS11 derives CKK_GENERIC_SECRET for "Generic"; such keys work as HKDF salt, IKM and PRK. */
    private static final String GENERIC = "Generic";

    SealedKeySchedule(Token token) {
        super(token, ResidencyTier.SEALED);
    }

    @Override
    CompletableFuture<SealedKey> computeSkeyseed(Prf prf, byte[] nonces, SealedKey gir, AuditContext ctx) {
        // prf(Ni | Nr, g^ir): the nonces are the HMAC key (salt as data), g^ir the token key as IKM.
        return call(
                "skeyseed",
                DERIVE,
                gir,
                ctx,
                () -> sealed(
                        "SKEYSEED",
                        prf,
                        kdf(prf).deriveKey(
                                        GENERIC,
                                        addIkm(HKDFParameterSpec.ofExtract().addSalt(nonces), gir)
                                                .extractOnly())));
    }

    @Override
    CompletableFuture<IkeSaKeys> computeIkeSaKeys(
            Prf prf, SealedKey skeyseed, byte[] s, KeyLayout layout, AuditContext ctx) {
        int h = prf.outputLength();
        // SK_d = T1 = HKDF-Expand(SKEYSEED, S, hashLen): a whole block, derived to a token key.
        CompletableFuture<SealedKey> skD = call(
                "sk_d",
                DERIVE,
                skeyseed,
                ctx,
                () -> sealed(
                        "SK_d", prf, kdf(prf).deriveKey(GENERIC, HKDFParameterSpec.expandOnly(skeyseed.key(), s, h))));
        // T2 = prf(SKEYSEED, SK_d | S | 2) mixes the token key SK_d into the input, so it is an Extract; T3.. have
        // only data input and are one HMAC each under SKEYSEED (C_SignInit/Update/Final, no import, no object).
        return skD.thenCompose(d -> call(
                        "prf+",
                        DATA + "," + hmacMechanism(prf),
                        skeyseed,
                        ctx,
                        () -> hostBlocks(prf, skeyseed, d, s, layout.hostLength()))
                .handle((rest, err) -> {
                    if (err != null) {
                        d.destroy();
                        throw err instanceof CompletionException ce ? ce : new CompletionException(err);
                    }
                    return layout.split(d, rest);
                }));
    }

    @Override
    CompletableFuture<SealedKey> computeRekeySkeyseed(
            Prf prf, SealedKey skDOld, SealedKey girNew, byte[] nonces, AuditContext ctx) {
        return call(
                "rekey-skeyseed",
                DERIVE,
                skDOld,
                ctx,
                () -> sealed(
                        "SKEYSEED",
                        prf,
                        kdf(prf).deriveKey(
                                        GENERIC,
                                        addIkm(HKDFParameterSpec.ofExtract().addSalt(skDOld.key()), girNew)
                                                .addIKM(nonces)
                                                .extractOnly())));
    }

    @Override
    CompletableFuture<HostKey> computeChildKeymat(
            Prf prf, SealedKey skD, SealedKey girOrNull, byte[] nonces, int length, AuditContext ctx) {
        if (girOrNull == null) {
            // Without PFS, prf+(SK_d, Ni | Nr) is exactly HKDF-Expand(SK_d, Ni | Nr, L). SunPKCS11 refuses outputs
            // under 40 bits ("Key length was 8 but must be between 40 and ..."); a longer Expand has the shorter
            // one as its prefix, so ask for at least one block and truncate.
            int asked = Math.max(length, prf.outputLength());
            return call(
                    "child-keymat",
                    DATA,
                    skD,
                    ctx,
                    () -> HostKey.adopt(
                            "KEYMAT",
                            truncate(
                                    kdf(prf).deriveData(HKDFParameterSpec.expandOnly(skD.key(), nonces, asked)),
                                    length)));
        }
        // With PFS the info g^ir | Ni | Nr holds a token key, so each block is an Extract with mixed input.
        return call(
                "child-keymat",
                DATA,
                skD,
                ctx,
                () -> HostKey.adopt(
                        "KEYMAT",
                        blocks(
                                kdf(prf),
                                skD.key(),
                                1,
                                length,
                                (b, prev, k) -> addIkm(prev == null ? b : b.addIKM(prev), girOrNull)
                                        .addIKM(concat(nonces, k)))));
    }

    @Override
    CompletableFuture<byte[]> computePrf(Prf prf, SealedKey key, byte[] data, AuditContext ctx) {
        // Only data input: one HMAC keyed by the token key (derived keys carry CKA_SIGN, see TokenLogin).
        return call(
                "prf",
                hmacMechanism(prf),
                key,
                ctx,
                () -> hmac(token, prf, key.key()).doFinal(data));
    }

    @Override
    CompletableFuture<SealedKey> computeDeriveKey(Prf prf, SealedKey key, byte[] data, String name, AuditContext ctx) {
        return call(
                "prf",
                DERIVE,
                key,
                ctx,
                () -> sealed(
                        name,
                        prf,
                        kdf(prf).deriveKey(
                                        GENERIC,
                                        HKDFParameterSpec.ofExtract()
                                                .addSalt(key.key())
                                                .addIKM(data)
                                                .extractOnly())));
    }

    /**
     * Adds g^ir as IKM: first as data the leading zero octets the token key lacks (NSS trims them from a MODP g^ir),
     * then the key, so the token concatenates g^ir at its RFC 7296 §2.14 length.
     */
    static HKDFParameterSpec.Builder addIkm(HKDFParameterSpec.Builder b, SealedKey gir) {
        int zeros = gir.missingLeadingZeros();
        return (zeros > 0 ? b.addIKM(new byte[zeros]) : b).addIKM(gir.key());
    }

    /** Fills in the IKM of block k; prev is T(k-1) as bytes, or null for the first block computed. */
    @FunctionalInterface
    interface BlockInput {
        HKDFParameterSpec.Builder add(HKDFParameterSpec.Builder b, byte[] prev, byte[] k)
                throws GeneralSecurityException;
    }

    /** prf+ blocks first.. as Extracts with {@code key} as salt: T(k) = prf(key, IKM(T(k-1), k)). */
    static byte[] blocks(KDF kdf, SecretKey key, int first, int length, BlockInput input)
            throws GeneralSecurityException {
        byte[] out = new byte[length];
        byte[] prev = null;
        int off = 0;
        for (int k = first; off < length; k++) {
            HKDFParameterSpec.Builder b =
                    input.add(HKDFParameterSpec.ofExtract().addSalt(key), prev, new byte[] {(byte) k});
            byte[] t = kdf.deriveData(b.extractOnly());
            System.arraycopy(t, 0, out, off, Math.min(t.length, length - off));
            off += t.length;
            wipe(prev);
            prev = t;
        }
        wipe(prev);
        return out;
    }

    /**
     * T2 | T3 | ... of prf+(SKEYSEED, S) to {@code length} octets, T1 being the token key SK_d: T2 as an Extract
     * with SKEYSEED as salt and SK_d | S | 2 as input, every later block as HMAC(SKEYSEED, T(k-1) | S | k) in the
     * token, each block's input passed in one update so the token sees one C_SignUpdate.
     */
    private byte[] hostBlocks(Prf prf, SealedKey skeyseed, SealedKey skD, byte[] s, int length)
            throws GeneralSecurityException {
        byte[] out = new byte[length];
        byte[] t = kdf(prf).deriveData(HKDFParameterSpec.ofExtract()
                .addSalt(skeyseed.key())
                .addIKM(skD.key())
                .addIKM(concat(s, new byte[] {2}))
                .extractOnly());
        Mac mac = null;
        int off = 0;
        for (int k = 3; ; k++) {
            System.arraycopy(t, 0, out, off, Math.min(t.length, length - off));
            off += t.length;
            if (off >= length) {
                wipe(t);
                return out;
            }
            if (mac == null) {
                mac = hmac(token, prf, skeyseed.key());
            }
            byte[] in = concat(t, s, new byte[] {(byte) k});
            wipe(t);
            t = mac.doFinal(in);
            wipe(in);
        }
    }

    /** The token's HMAC for prf, keyed by a token key: C_SignInit on the key, the MAC computed in the token. */
    static Mac hmac(Token token, Prf prf, SecretKey key) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(prf.macAlgorithm(), token.provider());
        mac.init(key);
        return mac;
    }

    /** The PKCS#11 mechanism {@link #hmac} runs, for audit records: CKM_SHA256_HMAC and so on. */
    static String hmacMechanism(Prf prf) {
        return "CKM_" + prf.digestAlgorithm().replace("-", "") + "_HMAC";
    }

    private static byte[] truncate(byte[] b, int length) {
        if (b.length == length) {
            return b;
        }
        byte[] out = Arrays.copyOf(b, length);
        wipe(b);
        return out;
    }

    private SealedKey sealed(String name, Prf prf, SecretKey key) {
        return new SealedKey(token, name, key, prf.outputLength());
    }

    private KDF kdf(Prf prf) {
        try {
            return KDF.getInstance(prf.kdfAlgorithm(), token.provider());
        } catch (NoSuchAlgorithmException e) {
            throw new TokenException(
                    "token '" + token.name() + "' offers no " + prf.kdfAlgorithm()
                            + " (CKM_HKDF_DERIVE, CKM_HKDF_DATA): the sealed key schedule cannot run on it",
                    null,
                    e);
        }
    }

    private static void wipe(byte[] b) {
        if (b != null) {
            Arrays.fill(b, (byte) 0);
        }
    }
}
