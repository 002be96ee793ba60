package io.ikeseal.hsm.sign;

import static org.bouncycastle.util.Arrays.concatenate;
import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Cipher;

import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PKCS#1 v1.5 forgery shapes (the CVE-2018-16151/16152 class and Bleichenbacher's 2006 low-exponent attack):
 * encoded blocks are built here and raised to the private exponent of a software key ("RSA/ECB/NoPadding"), so
 * each is a mathematically valid RSA signature of a malformed encoding. Only the exact encoding may pass.
 */
class Pkcs1StrictnessTest {
    static final HexFormat HEX = HexFormat.of();
    static final byte[] OCTETS = "the octets of IKE_AUTH".getBytes(StandardCharsets.UTF_8);
    static KeyPair rsa;
    static int k;

    @BeforeAll
    static void key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        g.initialize(2048);
        rsa = g.generateKeyPair();
        k = 256;
    }

    /** s = block^d mod n with the software private key. */
    static byte[] raise(byte[] block) throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/NoPadding", "SunJCE");
        c.init(Cipher.ENCRYPT_MODE, rsa.getPrivate());
        return c.doFinal(block);
    }

    /** 00 01 FF*psLen 00 body tail, right-padded with tail to k octets. */
    static byte[] block(int psLen, byte[] body) {
        byte[] b = new byte[k];
        b[1] = 0x01;
        Arrays.fill(b, 2, 2 + psLen, (byte) 0xff);
        System.arraycopy(body, 0, b, 3 + psLen, Math.min(body.length, k - 3 - psLen));
        return b;
    }

    static byte[] sha256(byte[] m) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(m);
    }

    static boolean verify14(byte[] sig) {
        byte[] algId = SignatureScheme.RSA_PKCS1_SHA256.algorithmIdentifier();
        return SignatureVerifier.verify(
                AuthMethod.DIGITAL_SIGNATURE,
                rsa.getPublic(),
                OCTETS,
                concatenate(new byte[] {(byte) algId.length}, algId, sig));
    }

    static boolean jdk(String alg, byte[] sig) throws Exception {
        Signature v = Signature.getInstance(alg, "SunRsaSign");
        v.initVerify(rsa.getPublic());
        v.update(OCTETS);
        return v.verify(sig);
    }

    @Test
    void exactEncodingPassesAndEqualsTheJdkSignature() throws Exception {
        byte[] t = concatenate(HashAlgorithm.SHA2_256.digestInfoPrefix(), sha256(OCTETS));
        byte[] sig = raise(block(k - 3 - t.length, t));
        assertTrue(verify14(sig));
        assertTrue(jdk("SHA256withRSA", sig));
        Signature s = Signature.getInstance("SHA256withRSA", "SunRsaSign");
        s.initSign(rsa.getPrivate());
        s.update(OCTETS);
        assertArrayEquals(s.sign(), sig, "the block built here is what the JDK signs");

        byte[] t1 = concatenate(
                HashAlgorithm.SHA1.digestInfoPrefix(),
                MessageDigest.getInstance("SHA-1").digest(OCTETS));
        byte[] sig1 = raise(block(k - 3 - t1.length, t1));
        assertTrue(SignatureVerifier.verify(AuthMethod.RSA_DIGITAL_SIGNATURE, rsa.getPublic(), OCTETS, sig1));
        assertTrue(jdk("SHA1withRSA", sig1));
    }

    @Test
    void garbageAfterTheDigestInfoIsRejected() throws Exception {
        byte[] t = concatenate(HashAlgorithm.SHA2_256.digestInfoPrefix(), sha256(OCTETS));
        byte[] garbage = new byte[k - 3 - 8 - t.length];
        Arrays.fill(garbage, (byte) 0x5a);
        byte[] sig = raise(block(8, concatenate(t, garbage)));
        assertFalse(verify14(sig));
        assertEquals(
                "EMSA-PKCS1-v1_5 encoding mismatch",
                SignatureVerifier.check(
                                AuthMethod.DIGITAL_SIGNATURE,
                                rsa.getPublic(),
                                OCTETS,
                                concatenate(
                                        new byte[] {15}, SignatureScheme.RSA_PKCS1_SHA256.algorithmIdentifier(), sig))
                        .reason());
        byte[] t1 = concatenate(
                HashAlgorithm.SHA1.digestInfoPrefix(),
                MessageDigest.getInstance("SHA-1").digest(OCTETS));
        byte[] sig1 = raise(block(8, concatenate(t1, new byte[k - 3 - 8 - t1.length])));
        assertFalse(SignatureVerifier.verify(AuthMethod.RSA_DIGITAL_SIGNATURE, rsa.getPublic(), OCTETS, sig1));
    }

    @Test
    void wrongPaddingIsRejected() throws Exception {
        byte[] t = concatenate(HashAlgorithm.SHA2_256.digestInfoPrefix(), sha256(OCTETS));
        int ps = k - 3 - t.length;
        byte[] good = block(ps, t);
        byte[] type2 = good.clone();
        type2[1] = 0x02;
        assertFalse(verify14(raise(type2)), "block type 02");
        byte[] notFf = good.clone();
        notFf[2 + ps / 2] = (byte) 0xfe;
        assertFalse(verify14(raise(notFf)), "a non-FF octet in PS");
        byte[] noSeparator = good.clone();
        noSeparator[2 + ps] = (byte) 0xff;
        assertFalse(verify14(raise(noSeparator)), "no 00 separator");
        byte[] leading = good.clone();
        leading[0] = 0x01;
        leading[1] = 0x01;
        assertFalse(verify14(raise(leading)), "first octet not 00");
    }

    @Test
    void digestInfoParametersWithExtraBytesAreRejected() throws Exception {
        byte[] h = sha256(OCTETS);
        // DigestInfo whose AlgorithmIdentifier parameters are an OCTET STRING of attacker-chosen bytes, lengths fixed
        // up
        byte[] junk = HEX.parseHex("0408deadbeefcafef00d");
        byte[] algId = concatenate(
                HEX.parseHex("30" + String.format("%02x", 11 + junk.length) + "0609608648016503040201"), junk);
        byte[] di = concatenate(
                HEX.parseHex("30" + String.format("%02x", algId.length + 2 + h.length)),
                algId,
                HEX.parseHex("0420"),
                h);
        assertFalse(verify14(raise(block(k - 3 - di.length, di))), "garbage parameters");
        // NULL with a non-zero length: 05 04 xx xx xx xx
        byte[] nullJunk =
                concatenate(HEX.parseHex("3035" + "3011" + "0609608648016503040201" + "050411223344" + "0420"), h);
        assertFalse(verify14(raise(block(k - 3 - nullJunk.length, nullJunk))), "NULL with content");
        // absent parameters: a different (if legitimate-looking) encoding; only the exact RFC 8017 T passes
        byte[] absent = concatenate(HEX.parseHex("302f" + "300b" + "0609608648016503040201" + "0420"), h);
        assertFalse(verify14(raise(block(k - 3 - absent.length, absent))), "absent NULL");
        // DigestInfo with a long-form length (BER, not DER)
        byte[] ber = concatenate(HEX.parseHex("308131300d0609608648016503040201050004 20".replace(" ", "")), h);
        assertFalse(verify14(raise(block(k - 3 - ber.length, ber))), "BER length");
    }

    @Test
    void representativeOutOfRangeAndWrongLengthsAreRejected() throws Exception {
        RSAPublicKey pub = (RSAPublicKey) rsa.getPublic();
        BigInteger n = pub.getModulus();
        assertFalse(verify14(BigIntegers.asUnsignedByteArray(k, n)), "s = n");
        assertEquals(
                "signature representative s >= n",
                SignatureVerifier.check(
                                AuthMethod.RSA_DIGITAL_SIGNATURE,
                                pub,
                                OCTETS,
                                BigIntegers.asUnsignedByteArray(k, n.add(BigInteger.ONE)))
                        .reason());
        // s + n is congruent to a valid s: a verifier that reduces mod n without checking s < n would accept it
        for (int i = 0; ; i++) {
            byte[] o = ("octets " + i).getBytes(StandardCharsets.UTF_8);
            byte[] t = concatenate(
                    HashAlgorithm.SHA1.digestInfoPrefix(),
                    MessageDigest.getInstance("SHA-1").digest(o));
            byte[] sig = raise(block(k - 3 - t.length, t));
            BigInteger shifted = new BigInteger(1, sig).add(n);
            if (shifted.bitLength() <= 8 * k) {
                assertTrue(SignatureVerifier.verify(AuthMethod.RSA_DIGITAL_SIGNATURE, pub, o, sig));
                assertFalse(
                        SignatureVerifier.verify(
                                AuthMethod.RSA_DIGITAL_SIGNATURE, pub, o, BigIntegers.asUnsignedByteArray(k, shifted)),
                        "s + n");
                break;
            }
            assertTrue(i < 200, "no s with s + n < 2^(8k) found");
        }
        byte[] t = concatenate(HashAlgorithm.SHA2_256.digestInfoPrefix(), sha256(OCTETS));
        byte[] sig = raise(block(k - 3 - t.length, t));
        assertFalse(verify14(concatenate(new byte[1], sig)), "k+1 octets with a leading zero");
        assertFalse(verify14(Arrays.copyOfRange(sig, 1, k)), "k-1 octets");
        assertTrue(verify14(sig));
    }
}
