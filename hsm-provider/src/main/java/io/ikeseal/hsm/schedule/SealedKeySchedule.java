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
import io.ikeseal.hsm.token.DirectSessions.DirectSession;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenException;

/**
 * The key schedule as HKDF inside the token (docs/key-schedule.md): prf(K, S) = HKDF-Extract(salt = K, IKM = S) and
 * prf+ = HKDF-Expand. The SA's secrets (g^ir, SKEYSEED, SK_d) are direct-binding session keys, sensitive and
 * unextractable (docs/tokens.md, "Direct binding"); only outputs the host may hold come back as bytes
 * (CKM_HKDF_DATA, or an HMAC's result). A PRF keyed by a SunPKCS11 key (a PSK's key pad) runs through JCA.
 */
final class SealedKeySchedule extends KeyScheduleTier {
    static final String DERIVE = "CKM_HKDF_DERIVE";
    static final String DATA = "CKM_HKDF_DATA";
    /** SunPKCS11 derives CKK_GENERIC_SECRET for "Generic"; such keys work as HKDF salt, IKM and PRK. */
    private static final String GENERIC = "Generic";

    private static final byte[] NONE = {};

    SealedKeySchedule(Token token) {
        super(token, ResidencyTier.SEALED);
    }

    /** A step on the calling token thread's direct session. */
    @FunctionalInterface
    private interface DirectStep<T> {
        T run(DirectHkdf hkdf, DirectSession session) throws Exception;
    }

    private <T> T direct(Prf prf, DirectStep<T> step) throws Exception {
        DirectSession s = token.direct().current();
        return step.run(new DirectHkdf(s, prf), s);
    }

    @Override
    CompletableFuture<SealedKey> computeSkeyseed(Prf prf, byte[] nonces, SealedKey gir, AuditContext ctx) {
        // prf(Ni | Nr, g^ir): the nonces are the HMAC key (salt as data), g^ir the token key as IKM.
        return call(
                "skeyseed",
                DERIVE,
                gir,
                ctx,
                () -> direct(prf, (h, s) -> {
                    long ikm = ikm(h, s, NONE, gir, NONE);
                    try {
                        return sealed("SKEYSEED", prf, s, h.extractKey(nonces, ikm, prf.outputLength()));
                    } finally {
                        dropInput(h, ikm, gir, s);
                    }
                }));
    }

    @Override
    CompletableFuture<IkeSaKeys> computeIkeSaKeys(
            Prf prf, SealedKey skeyseed, byte[] s, KeyLayout layout, AuditContext ctx) {
        int len = prf.outputLength();
        // SK_d = T1 = HKDF-Expand(SKEYSEED, S, hashLen): a whole block, derived to a token key.
        CompletableFuture<SealedKey> skD = call(
                "sk_d",
                DERIVE,
                skeyseed,
                ctx,
                () -> direct(
                        prf,
                        (h, ds) -> sealed(
                                "SK_d",
                                prf,
                                ds,
                                h.expandKey(skeyseed.directKey().handle(ds), s, len))));
        // T2 = prf(SKEYSEED, SK_d | S | 2) mixes the token key SK_d into the input, so it is an Extract; T3.. have
        // only data input and are one HMAC each under SKEYSEED.
        return skD.thenCompose(d -> call(
                        "prf+",
                        DATA + "," + hmacMechanism(prf),
                        skeyseed,
                        ctx,
                        () -> direct(prf, (h, ds) -> hostBlocks(h, ds, skeyseed, d, s, len, layout.hostLength())))
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
        // prf(SK_d (old), g^ir (new) | Ni | Nr): SK_d the salt key, the concatenation the IKM.
        return call(
                "rekey-skeyseed",
                DERIVE,
                skDOld,
                ctx,
                () -> direct(prf, (h, s) -> {
                    long ikm = ikm(h, s, NONE, girNew, nonces);
                    try {
                        return sealed(
                                "SKEYSEED",
                                prf,
                                s,
                                h.extractKey(skDOld.directKey().handle(s), ikm, prf.outputLength()));
                    } finally {
                        dropInput(h, ikm, girNew, s);
                    }
                }));
    }

    @Override
    CompletableFuture<HostKey> computeChildKeymat(
            Prf prf, SealedKey skD, SealedKey girOrNull, byte[] nonces, int length, AuditContext ctx) {
        if (girOrNull == null) {
            // Without PFS, prf+(SK_d, Ni | Nr) is exactly HKDF-Expand(SK_d, Ni | Nr, L). Tokens refuse outputs under
            // 40 bits; a longer Expand has the shorter one as its prefix, so ask for at least one block and truncate.
            int asked = Math.max(length, prf.outputLength());
            return call(
                    "child-keymat",
                    DATA,
                    skD,
                    ctx,
                    () -> direct(
                            prf,
                            (h, s) -> HostKey.adopt(
                                    "KEYMAT",
                                    truncate(h.expandData(skD.directKey().handle(s), nonces, asked), length))));
        }
        // With PFS the input g^ir | Ni | Nr holds a token key, so each block T(k) = prf(SK_d, T(k-1) | g^ir | Ni | Nr |
        // k) is an Extract with SK_d as salt key and the concatenation as IKM.
        return call(
                "child-keymat",
                DATA,
                skD,
                ctx,
                () -> direct(prf, (h, s) -> {
                    long salt = skD.directKey().handle(s);
                    byte[] out = new byte[length];
                    byte[] prev = NONE;
                    for (int k = 1, off = 0; off < length; k++) {
                        long ikm = ikm(h, s, prev, girOrNull, concat(nonces, new byte[] {(byte) k}));
                        byte[] t;
                        try {
                            t = h.extractData(salt, ikm, prf.outputLength());
                        } finally {
                            dropInput(h, ikm, girOrNull, s);
                        }
                        System.arraycopy(t, 0, out, off, Math.min(t.length, length - off));
                        off += t.length;
                        wipe(prev);
                        prev = t;
                    }
                    wipe(prev);
                    return HostKey.adopt("KEYMAT", out);
                }));
    }

    @Override
    CompletableFuture<byte[]> computePrf(Prf prf, SealedKey key, byte[] data, AuditContext ctx) {
        // Only data input: one HMAC keyed by the token key (derived keys carry CKA_SIGN).
        return call(
                "prf",
                hmacMechanism(prf),
                key,
                ctx,
                () -> key.isDirect()
                        ? direct(prf, (h, s) -> h.hmac(key.directKey().handle(s), data))
                        : hmac(token, prf, key.key()).doFinal(data));
    }

    @Override
    CompletableFuture<SealedKey> computeDeriveKey(Prf prf, SealedKey key, byte[] data, String name, AuditContext ctx) {
        if (key.isDirect()) {
            // The data is public (a label): imported as the IKM key for the one derive, then destroyed.
            return call(
                    "prf",
                    DERIVE,
                    key,
                    ctx,
                    () -> direct(prf, (h, s) -> {
                        long ikm = h.importData(data);
                        try {
                            return sealed(
                                    name, prf, s, h.extractKey(key.directKey().handle(s), ikm, prf.outputLength()));
                        } finally {
                            h.destroyQuietly(ikm);
                        }
                    }));
        }
        return call(
                "prf",
                DERIVE,
                key,
                ctx,
                () -> new SealedKey(
                        token,
                        name,
                        kdf(prf).deriveKey(
                                        GENERIC,
                                        HKDFParameterSpec.ofExtract()
                                                .addSalt(key.key())
                                                .addIKM(data)
                                                .extractOnly()),
                        prf.outputLength()));
    }

    /**
     * The HKDF input {@code before | g^ir | after} as one key: g^ir's handle itself when nothing is added, else a
     * concatenation that {@link #dropInput} destroys. The leading zero octets a token trimmed from g^ir (NSS, MODP)
     * go back in as data, so the token hashes g^ir at its RFC 7296 §2.14 length.
     */
    private static long ikm(DirectHkdf h, DirectSession s, byte[] before, SealedKey gir, byte[] after)
            throws Exception {
        long g = gir.directKey().handle(s);
        int zeros = gir.missingLeadingZeros();
        byte[] head = zeros == 0 ? before : concat(before, new byte[zeros]);
        return head.length == 0 && after.length == 0 ? g : h.concat(head, g, after);
    }

    /** Destroys an input {@link #ikm} made for one derive (not g^ir itself). */
    private static void dropInput(DirectHkdf h, long ikm, SealedKey gir, DirectSession s) {
        if (ikm != gir.directKey().handle(s)) {
            h.destroyQuietly(ikm);
        }
    }

    /**
     * T2 | T3 | ... of prf+(SKEYSEED, S) to {@code length} octets, T1 being the token key SK_d: T2 as an Extract
     * with SKEYSEED as salt and SK_d | S | 2 as input, every later block as HMAC(SKEYSEED, T(k-1) | S | k). {@code
     * len} is the PRF's output length (a rekeyed SA's SKEYSEED has the old PRF's length).
     */
    private static byte[] hostBlocks(
            DirectHkdf h, DirectSession ds, SealedKey skeyseed, SealedKey skD, byte[] s, int len, int length)
            throws Exception {
        long seed = skeyseed.directKey().handle(ds);
        byte[] out = new byte[length];
        long in2 = h.concat(NONE, skD.directKey().handle(ds), concat(s, new byte[] {2}));
        byte[] t;
        try {
            t = h.extractData(seed, in2, len);
        } finally {
            h.destroyQuietly(in2);
        }
        int off = 0;
        for (int k = 3; ; k++) {
            System.arraycopy(t, 0, out, off, Math.min(t.length, length - off));
            off += t.length;
            if (off >= length) {
                wipe(t);
                return out;
            }
            byte[] in = concat(t, s, new byte[] {(byte) k});
            wipe(t);
            t = h.hmac(seed, in);
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

    /** Wraps a derived handle at once, so nothing between the derive and its owner can leak it. */
    private SealedKey sealed(String name, Prf prf, DirectSession s, long handle) {
        return new SealedKey(token, name, s.adopt(handle), prf.outputLength(), 0);
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
