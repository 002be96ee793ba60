package io.ikeseal.hsm.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Provider;

import javax.crypto.KDF;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.HKDFParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.token.Pkcs11Module;
import io.ikeseal.hsm.token.TokenException;

/**
 * A start-up known-answer test of every HKDF shape the sealed schedule uses, on public constants: extract to
 * a token key, extract with that key as salt and mixed key/data input (prf+ blocks after T1, rekey, PFS),
 * an HMAC keyed by a derived key (prf+ blocks with only data input, AUTH), and expand to a key. A token whose mechanism list looks right but cannot do these fails here, at start-up,
 * rather than in the middle of a handshake. hsm.startup runs it for each sealed PRF before handing the token out.
 */
public final class SealedScheduleSelfTest {
    private static final byte[] SALT = "ikeseal self-test salt".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IKM = "ikeseal self-test input keying material".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] D1 = {1, 2, 3};
    private static final byte[] D2 = {4, 5, 6, 7};

    private SealedScheduleSelfTest() {}

    /** Throws TokenException naming the step that failed. */
    public static void run(Provider token, Prf prf) {
        String step = "HKDF-Extract to a key (CKM_HKDF_DERIVE)";
        try {
            KDF kdf = KDF.getInstance(prf.kdfAlgorithm(), token);
            SecretKey k = kdf.deriveKey(
                    "Generic",
                    HKDFParameterSpec.ofExtract().addSalt(SALT).addIKM(IKM).extractOnly());
            byte[] kRef = mac(prf, SALT, IKM);
            step = "HKDF-Extract with a key salt and key/data input (CKM_HKDF_DATA, CKM_CONCATENATE_*)";
            byte[] mixed = kdf.deriveData(HKDFParameterSpec.ofExtract()
                    .addSalt(k)
                    .addIKM(D1)
                    .addIKM(k)
                    .addIKM(D2)
                    .extractOnly());
            if (!MessageDigest.isEqual(mixed, mac(prf, kRef, D1, kRef, D2))) {
                throw new TokenException(
                        "sealed schedule self-test of " + prf.kdfAlgorithm() + " gave a wrong result at: " + step);
            }
            step = "HMAC keyed by a derived key (CKM_" + prf.digestAlgorithm().replace("-", "") + "_HMAC, C_Sign*)";
            Mac hmac = Mac.getInstance(prf.macAlgorithm(), token);
            hmac.init(k);
            if (!MessageDigest.isEqual(hmac.doFinal(D1), mac(prf, kRef, D1))) {
                throw new TokenException(
                        "sealed schedule self-test of " + prf.kdfAlgorithm() + " gave a wrong result at: " + step);
            }
            step = "HKDF-Expand to a key (CKM_HKDF_DERIVE)";
            SecretKey t1 = kdf.deriveKey("Generic", HKDFParameterSpec.expandOnly(k, D1, prf.outputLength()));
            byte[] viaT1 = kdf.deriveData(
                    HKDFParameterSpec.ofExtract().addSalt(t1).addIKM(D2).extractOnly());
            byte[] t1Ref = mac(prf, kRef, D1, new byte[] {1});
            if (!MessageDigest.isEqual(viaT1, mac(prf, t1Ref, D2))) {
                throw new TokenException(
                        "sealed schedule self-test of " + prf.kdfAlgorithm() + " gave a wrong result at: " + step);
            }
        } catch (TokenException e) {
            throw e;
        } catch (Exception e) {
            String ckr = Pkcs11Module.ckrOf(e);
            throw new TokenException(
                    "sealed schedule self-test of " + prf.kdfAlgorithm() + " failed at " + step + ": "
                            + (ckr != null ? ckr : e.getClass().getSimpleName() + ": " + e.getMessage()),
                    ckr,
                    e);
        }
    }

    private static byte[] mac(Prf prf, byte[] key, byte[]... data) throws Exception {
        Mac m = Mac.getInstance(prf.macAlgorithm());
        m.init(new SecretKeySpec(key, prf.macAlgorithm()));
        for (byte[] d : data) {
            m.update(d);
        }
        return m.doFinal();
    }
}
