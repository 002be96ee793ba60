package io.ikeseal.hsm.sign;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

import javax.crypto.Cipher;

/**
 * Verifies a peer's AUTH signature in software (no token: the peer's public key is not a secret). Strict by
 * design: method 14 accepts only the exact AlgorithmIdentifier encodings in {@link SignatureScheme}; PKCS#1 v1.5
 * is checked by rebuilding the whole expected encoded message and comparing every byte (never by parsing the
 * decrypted block: CVE-2018-16151/16152); ECDSA signatures must be exactly r|s (9/10/11) or exactly DER (14).
 *
 * <p>These checks are made here whoever does the arithmetic afterwards: RSA on the host (SunJCE's raw RSA for
 * PKCS#1 v1.5, SunRsaSign for PSS: no token or provider was clearly faster), ECDSA by an {@link EcdsaVerifier}
 * (BouncyCastle on the host, or a token's C_Verify where that is clearly faster; docs/performance.md).
 */
public final class SignatureVerifier {
    /** Minimum FF octets in EMSA-PKCS1-v1_5 padding (RFC 8017 §9.2 step 3: PS length at least 8). */
    private static final int MIN_PS = 8;

    private static final String HOST_ENGINE = "host";

    /** Everything on the host. */
    public static final SignatureVerifier HOST = new SignatureVerifier(EcdsaVerifier.host());

    private final EcdsaVerifier ecdsa;

    private SignatureVerifier(EcdsaVerifier ecdsa) {
        this.ecdsa = ecdsa;
    }

    /** A verifier whose ECDSA arithmetic {@code ecdsa} does. */
    public static SignatureVerifier using(EcdsaVerifier ecdsa) {
        return new SignatureVerifier(ecdsa);
    }

    /**
     * The outcome; {@code scheme} is the scheme the AUTH data named, when it got that far; {@code engine} what did
     * the arithmetic ("host" or "token NAME"), null if it did not get that far.
     */
    public record Result(boolean valid, SignatureScheme scheme, String reason, String engine) {
        static Result ok(SignatureScheme s, String engine) {
            return new Result(true, s, "valid", engine);
        }

        static Result bad(SignatureScheme s, String reason) {
            return new Result(false, s, reason, null);
        }
    }

    public static boolean verify(AuthMethod method, PublicKey key, byte[] octets, byte[] authData) {
        return check(method, key, octets, authData).valid();
    }

    /** {@link #checkAuth} on the host. */
    public static Result check(AuthMethod method, PublicKey key, byte[] octets, byte[] authData) {
        return HOST.checkAuth(method, key, octets, authData);
    }

    /** Whether {@code authData} (the AUTH payload's data) is a valid signature of {@code octets} by {@code key}. */
    public Result checkAuth(AuthMethod method, PublicKey key, byte[] octets, byte[] authData) {
        KeyType type = KeyType.of(key).orElse(null);
        if (type == null) {
            return Result.bad(null, "unsupported public key " + key.getAlgorithm());
        }
        if (!method.isSignature()) {
            return Result.bad(null, "auth method " + method + " is not a signature");
        }
        if (method != AuthMethod.DIGITAL_SIGNATURE) {
            SignatureScheme scheme =
                    SignatureScheme.forLegacyMethod(method, type).orElse(null);
            if (scheme == null) {
                return Result.bad(null, "auth method " + method.number() + " does not fit a " + type + " key");
            }
            return verifySignature(scheme, key, type, octets, authData);
        }
        // RFC 7427 §3: Authentication Data = length (1 octet) | AlgorithmIdentifier | signature value
        if (authData.length < 1 || authData[0] == 0 || 1 + (authData[0] & 0xff) >= authData.length) {
            return Result.bad(null, "AUTH data too short for its AlgorithmIdentifier length octet");
        }
        int len = authData[0] & 0xff;
        byte[] algId = Arrays.copyOfRange(authData, 1, 1 + len);
        SignatureScheme scheme = SignatureScheme.byAlgorithmIdentifier(algId).orElse(null);
        if (scheme == null) {
            return Result.bad(null, "unsupported or non-canonical AlgorithmIdentifier (" + len + " octets)");
        }
        if (!scheme.fits(type)) {
            return Result.bad(scheme, scheme + " does not fit the peer's " + type + " key");
        }
        return verifySignature(scheme, key, type, octets, Arrays.copyOfRange(authData, 1 + len, authData.length));
    }

    private Result verifySignature(SignatureScheme scheme, PublicKey key, KeyType type, byte[] octets, byte[] sig) {
        try {
            return switch (scheme.family()) {
                case RSA_PKCS1 -> rsaPkcs1(scheme, (RSAPublicKey) key, octets, sig);
                case RSA_PSS -> rsaPss(scheme, (RSAPublicKey) key, octets, sig);
                case ECDSA -> ecdsa(scheme, key, type, octets, sig);
            };
        } catch (GeneralSecurityException | RuntimeException e) {
            return Result.bad(scheme, "verification failed: " + e.getClass().getSimpleName());
        }
    }

    /** RFC 8017 §8.2.2 with §9.2: m = s^e mod n must equal 00 01 FF..FF 00 DigestInfo(hash(octets)), all k octets. */
    private static Result rsaPkcs1(SignatureScheme scheme, RSAPublicKey key, byte[] octets, byte[] sig)
            throws GeneralSecurityException {
        BigInteger n = key.getModulus();
        int k = (n.bitLength() + 7) / 8;
        if (sig.length != k) {
            return Result.bad(scheme, "signature is " + sig.length + " octets, modulus " + k);
        }
        if (new BigInteger(1, sig).compareTo(n) >= 0) {
            return Result.bad(scheme, "signature representative s >= n");
        }
        byte[] prefix = scheme.hash().digestInfoPrefix();
        byte[] hash = MessageDigest.getInstance(scheme.hash().jcaName()).digest(octets);
        int tLen = prefix.length + hash.length;
        if (k < tLen + 3 + MIN_PS) {
            return Result.bad(scheme, "modulus too short for " + scheme.hash());
        }
        byte[] expected = new byte[k];
        expected[1] = 0x01;
        Arrays.fill(expected, 2, k - tLen - 1, (byte) 0xff);
        System.arraycopy(prefix, 0, expected, k - tLen, prefix.length);
        System.arraycopy(hash, 0, expected, k - hash.length, hash.length);
        Cipher rsa = Cipher.getInstance("RSA/ECB/NoPadding", "SunJCE");
        rsa.init(Cipher.DECRYPT_MODE, key);
        byte[] m = rsa.doFinal(sig);
        boolean same = MessageDigest.isEqual(m, expected);
        Arrays.fill(m, (byte) 0);
        return same ? Result.ok(scheme, HOST_ENGINE) : Result.bad(scheme, "EMSA-PKCS1-v1_5 encoding mismatch");
    }

    private static Result rsaPss(SignatureScheme scheme, RSAPublicKey key, byte[] octets, byte[] sig)
            throws GeneralSecurityException {
        int k = (key.getModulus().bitLength() + 7) / 8;
        if (sig.length != k) {
            return Result.bad(scheme, "signature is " + sig.length + " octets, modulus " + k);
        }
        Signature v = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
        v.initVerify(key);
        v.setParameter(scheme.pssParameters());
        v.update(octets);
        return v.verify(sig) ? Result.ok(scheme, HOST_ENGINE) : Result.bad(scheme, "RSASSA-PSS signature mismatch");
    }

    private Result ecdsa(SignatureScheme scheme, PublicKey key, KeyType type, byte[] octets, byte[] sig)
            throws GeneralSecurityException {
        byte[] raw;
        if (scheme.method() == AuthMethod.DIGITAL_SIGNATURE) {
            try {
                raw = EcdsaSignatureEncoding.derToRaw(sig, type.fieldLength());
            } catch (IllegalArgumentException e) {
                return Result.bad(scheme, e.getMessage());
            }
        } else if (sig.length != 2 * type.fieldLength()) {
            return Result.bad(scheme, "r|s is " + sig.length + " octets, expected " + 2 * type.fieldLength());
        } else {
            raw = sig;
        }
        return ecdsa.verify(key, type, scheme.hash(), octets, raw)
                ? Result.ok(scheme, ecdsa.engine(type))
                : Result.bad(scheme, "ECDSA signature mismatch");
    }
}
