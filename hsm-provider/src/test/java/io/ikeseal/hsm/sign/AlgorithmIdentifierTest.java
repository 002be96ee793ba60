package io.ikeseal.hsm.sign;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Method 14 framing and the ECDSA encodings, with otherwise valid software signatures, so each rejection is
 * caused by the one thing changed.
 */
class AlgorithmIdentifierTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] OCTETS = "octets to be signed".getBytes(StandardCharsets.UTF_8);
    static KeyPair p256;
    static KeyPair p384;
    static KeyPair rsa;

    @BeforeAll
    static void keys() throws Exception {
        p256 = ec("secp256r1");
        p384 = ec("secp384r1");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        g.initialize(2048);
        rsa = g.generateKeyPair();
    }

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static byte[] sign(String alg, PrivateKey key, PSSParameterSpec pss) throws Exception {
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        if (pss != null) {
            s.setParameter(pss);
        }
        s.update(OCTETS);
        return s.sign();
    }

    static byte[] auth(int lengthOctet, byte[] algId, byte[] sig) {
        byte[] out = new byte[1 + algId.length + sig.length];
        out[0] = (byte) lengthOctet;
        System.arraycopy(algId, 0, out, 1, algId.length);
        System.arraycopy(sig, 0, out, 1 + algId.length, sig.length);
        return out;
    }

    static byte[] auth(byte[] algId, byte[] sig) {
        return auth(algId.length, algId, sig);
    }

    static SignatureVerifier.Result check14(PublicKey key, byte[] authData) {
        return SignatureVerifier.check(AuthMethod.DIGITAL_SIGNATURE, key, OCTETS, authData);
    }

    static PSSParameterSpec pss(String hash, String mgfHash, int salt) {
        return new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(mgfHash), salt, 1);
    }

    @Test
    void baselinesVerify() throws Exception {
        assertTrue(check14(
                        p256.getPublic(),
                        auth(
                                SignatureScheme.ECDSA_SHA256.algorithmIdentifier(),
                                sign("SHA256withECDSA", p256.getPrivate(), null)))
                .valid());
        assertTrue(
                check14(
                                p384.getPublic(),
                                auth(
                                        SignatureScheme.ECDSA_SHA512.algorithmIdentifier(),
                                        sign("SHA512withECDSA", p384.getPrivate(), null)))
                        .valid(),
                "any SHA-2 hash with any curve");
        assertTrue(check14(
                        rsa.getPublic(),
                        auth(
                                SignatureScheme.RSA_PSS_SHA384.algorithmIdentifier(),
                                sign("RSASSA-PSS", rsa.getPrivate(), pss("SHA-384", "SHA-384", 48))))
                .valid());
        assertTrue(SignatureVerifier.verify(
                AuthMethod.ECDSA_SHA256_P256,
                p256.getPublic(),
                OCTETS,
                sign("SHA256withECDSAinP1363Format", p256.getPrivate(), null)));
    }

    @Test
    void unknownOidsAreRejected() throws Exception {
        byte[] ecdsaSha224 = HEX.parseHex("300a06082a8648ce3d040301");
        SignatureVerifier.Result r =
                check14(p256.getPublic(), auth(ecdsaSha224, sign("SHA224withECDSA", p256.getPrivate(), null)));
        assertFalse(r.valid());
        assertTrue(r.reason().startsWith("unsupported or non-canonical AlgorithmIdentifier"), r.reason());
        byte[] sha1WithRsa = HEX.parseHex("300d06092a864886f70d0101050500");
        assertFalse(
                check14(rsa.getPublic(), auth(sha1WithRsa, sign("SHA1withRSA", rsa.getPrivate(), null)))
                        .valid(),
                "SHA-1 is not accepted in method 14");
        byte[] ed25519 = HEX.parseHex("300506032b6570");
        assertFalse(check14(p256.getPublic(), auth(ed25519, new byte[64])).valid());
    }

    @Test
    void trailingBytesAndLengthMismatchesAreRejected() throws Exception {
        byte[] algId = SignatureScheme.ECDSA_SHA256.algorithmIdentifier();
        byte[] sig = sign("SHA256withECDSA", p256.getPrivate(), null);
        byte[] withTrailing = Arrays.copyOf(algId, algId.length + 1);
        assertFalse(check14(p256.getPublic(), auth(withTrailing, sig)).valid(), "AlgorithmIdentifier + 00");
        byte[] good = auth(algId, sig);
        byte[] longer = good.clone();
        longer[0]++;
        assertFalse(check14(p256.getPublic(), longer).valid(), "length octet one too large");
        byte[] shorter = good.clone();
        shorter[0]--;
        assertFalse(check14(p256.getPublic(), shorter).valid(), "length octet one too small");
        byte[] zero = good.clone();
        zero[0] = 0;
        assertFalse(check14(p256.getPublic(), zero).valid());
        assertFalse(check14(p256.getPublic(), auth(algId, new byte[0])).valid(), "no signature");
        assertFalse(check14(p256.getPublic(), auth(200, algId, sig)).valid(), "length beyond the data");
        assertFalse(check14(p256.getPublic(), new byte[0]).valid());
        assertTrue(check14(p256.getPublic(), good).valid());
    }

    @Test
    void pssParametersMustBeExactlyOurs() throws Exception {
        byte[] canonical = SignatureScheme.RSA_PSS_SHA256.algorithmIdentifier();
        byte[] salt31 = canonical.clone();
        salt31[salt31.length - 1] = 0x1f;
        SignatureVerifier.Result r = check14(
                rsa.getPublic(), auth(salt31, sign("RSASSA-PSS", rsa.getPrivate(), pss("SHA-256", "SHA-256", 31))));
        assertFalse(r.valid(), "salt length 31 with SHA-256");
        assertNull(r.scheme());
        // the canonical AlgorithmIdentifier with a salt-31 signature: the identifier passes, the signature does not
        assertFalse(check14(
                        rsa.getPublic(),
                        auth(canonical, sign("RSASSA-PSS", rsa.getPrivate(), pss("SHA-256", "SHA-256", 31))))
                .valid());
        // explicit trailerField [3] INTEGER 1: a DEFAULT value encoded, i.e. not DER
        byte[] withTrailer = HEX.parseHex("3046" + HEX.formatHex(canonical, 2, 13) + "3039"
                + HEX.formatHex(canonical, 15, canonical.length) + "a303020101");
        assertFalse(check14(
                        rsa.getPublic(),
                        auth(withTrailer, sign("RSASSA-PSS", rsa.getPrivate(), pss("SHA-256", "SHA-256", 32))))
                .valid());
        // MGF1 with another hash than the message hash
        byte[] mgf512 = HEX.parseHex(HEX.formatHex(canonical)
                .replace(
                        "06092a864886f70d010108300d06096086480165030402010500",
                        "06092a864886f70d010108300d06096086480165030402030500"));
        assertFalse(check14(
                        rsa.getPublic(),
                        auth(mgf512, sign("RSASSA-PSS", rsa.getPrivate(), pss("SHA-256", "SHA-512", 32))))
                .valid());
        assertTrue(check14(
                        rsa.getPublic(),
                        auth(canonical, sign("RSASSA-PSS", rsa.getPrivate(), pss("SHA-256", "SHA-256", 32))))
                .valid());
    }

    @Test
    void pkcs1IdentifierWithoutNullIsRejected() throws Exception {
        byte[] absentNull = HEX.parseHex("300b06092a864886f70d01010b");
        assertFalse(check14(rsa.getPublic(), auth(absentNull, sign("SHA256withRSA", rsa.getPrivate(), null)))
                .valid());
    }

    @Test
    void keyTypeMustFitTheMethod() throws Exception {
        SignatureVerifier.Result r = check14(
                rsa.getPublic(),
                auth(
                        SignatureScheme.ECDSA_SHA256.algorithmIdentifier(),
                        sign("SHA256withECDSA", p256.getPrivate(), null)));
        assertFalse(r.valid());
        assertEquals("ECDSA_SHA256 does not fit the peer's RSA key", r.reason());
        assertFalse(check14(
                        p256.getPublic(),
                        auth(
                                SignatureScheme.RSA_PKCS1_SHA256.algorithmIdentifier(),
                                sign("SHA256withRSA", rsa.getPrivate(), null)))
                .valid());
        byte[] p384raw = sign("SHA384withECDSAinP1363Format", p384.getPrivate(), null);
        assertFalse(
                SignatureVerifier.verify(AuthMethod.ECDSA_SHA256_P256, p384.getPublic(), OCTETS, p384raw),
                "method 9 with a P-384 key");
        assertTrue(SignatureVerifier.verify(AuthMethod.ECDSA_SHA384_P384, p384.getPublic(), OCTETS, p384raw));
        assertFalse(SignatureVerifier.verify(AuthMethod.RSA_DIGITAL_SIGNATURE, p256.getPublic(), OCTETS, new byte[64]));
        assertFalse(SignatureVerifier.verify(AuthMethod.SHARED_KEY_MIC, rsa.getPublic(), OCTETS, new byte[32]));
    }

    @Test
    void ecdsaEncodingsAreExact() throws Exception {
        byte[] raw = sign("SHA256withECDSAinP1363Format", p256.getPrivate(), null);
        PublicKey pub = p256.getPublic();
        assertFalse(
                SignatureVerifier.verify(AuthMethod.ECDSA_SHA256_P256, pub, OCTETS, Arrays.copyOf(raw, 65)),
                "r|s with an extra octet");
        assertFalse(SignatureVerifier.verify(AuthMethod.ECDSA_SHA256_P256, pub, OCTETS, Arrays.copyOf(raw, 63)));
        assertFalse(
                SignatureVerifier.verify(
                        AuthMethod.ECDSA_SHA256_P256, pub, OCTETS, EcdsaSignatureEncoding.rawToDer(raw)),
                "DER where r|s is due");
        byte[] algId = SignatureScheme.ECDSA_SHA256.algorithmIdentifier();
        byte[] der = EcdsaSignatureEncoding.rawToDer(raw);
        assertTrue(check14(pub, auth(algId, der)).valid());
        assertFalse(
                check14(pub, auth(algId, Arrays.copyOf(der, der.length + 1))).valid(), "DER + trailing octet");
        assertFalse(check14(pub, auth(algId, raw)).valid(), "r|s where DER is due");
        byte[] ber = new byte[der.length + 1];
        ber[0] = 0x30;
        ber[1] = (byte) 0x81;
        ber[2] = der[1];
        System.arraycopy(der, 2, ber, 3, der.length - 2);
        SignatureVerifier.Result r = check14(pub, auth(algId, ber));
        assertFalse(r.valid(), "long-form length");
        assertEquals("ECDSA signature is BER, not DER", r.reason());
    }
}
