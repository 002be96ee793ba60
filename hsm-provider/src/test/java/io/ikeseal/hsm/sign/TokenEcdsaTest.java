package io.ikeseal.hsm.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * Peer ECDSA signatures verified by a SoftHSM token's C_Verify: the same answers as the host, the strict encoding
 * checks of SignatureVerifier in front of it, peer keys imported once and bounded, other curves on the host, and no
 * audit record of its own (the peer-auth record names the engine instead).
 */
class TokenEcdsaTest {
    static final SoftHsmExtension softhsm = SoftHsmExtension.create();

    @RegisterExtension
    static final OpenTokenExtension opened =
            OpenTokenExtension.softHsm(softhsm, ResidencyTier.SEALED, TokenRole.IDENTITY);

    static final byte[] OCTETS =
            "the octets AUTH covers (RFC 7296 §2.15)".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static byte[] rs(KeyPair k, String alg) throws Exception {
        Signature s = Signature.getInstance(alg + "inP1363Format", "SunEC");
        s.initSign(k.getPrivate());
        s.update(OCTETS);
        return s.sign();
    }

    static byte[] auth14(SignatureScheme s, byte[] sig) {
        byte[] id = s.algorithmIdentifier();
        byte[] out = new byte[1 + id.length + sig.length];
        out[0] = (byte) id.length;
        System.arraycopy(id, 0, out, 1, id.length);
        System.arraycopy(sig, 0, out, 1 + id.length, sig.length);
        return out;
    }

    TokenEcdsa inToken(int capacity) {
        return new TokenEcdsa(opened.token(), Set.of(KeyType.EC_P256), capacity);
    }

    @Test
    void sameAnswersAsTheHost() throws Exception {
        TokenEcdsa token = inToken(4);
        KeyPair k = ec("secp256r1");
        byte[] good = rs(k, "SHA256withECDSA");
        assertTrue(token.verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, good));
        assertTrue(EcdsaVerifier.host().verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, good));
        for (int bit = 0; bit < good.length * 8; bit += 37) {
            byte[] bad = good.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            assertFalse(
                    token.verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, bad), "bit " + bit);
            assertFalse(
                    EcdsaVerifier.host().verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, bad));
        }
        byte[] other = OCTETS.clone();
        other[0] ^= 1;
        assertFalse(token.verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, other, good));
        assertFalse(token.verify(ec("secp256r1").getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, good));
    }

    @Test
    void strictEncodingChecksStayInFront() throws Exception {
        SignatureVerifier v = SignatureVerifier.using(inToken(4));
        KeyPair k = ec("secp256r1");
        byte[] raw = rs(k, "SHA256withECDSA");
        SignatureVerifier.Result ok = v.checkAuth(AuthMethod.ECDSA_SHA256_P256, k.getPublic(), OCTETS, raw);
        assertTrue(ok.valid(), ok.reason());
        assertEquals("token " + opened.token().name(), ok.engine());
        byte[] der = EcdsaSignatureEncoding.rawToDer(raw);
        assertTrue(v.checkAuth(
                        AuthMethod.DIGITAL_SIGNATURE, k.getPublic(), OCTETS, auth14(SignatureScheme.ECDSA_SHA256, der))
                .valid());
        // r|s one octet short, one octet long: refused before any arithmetic
        byte[] shorter = java.util.Arrays.copyOf(raw, raw.length - 1);
        assertFalse(v.checkAuth(AuthMethod.ECDSA_SHA256_P256, k.getPublic(), OCTETS, shorter)
                .valid());
        byte[] longer = java.util.Arrays.copyOf(raw, raw.length + 1);
        assertFalse(v.checkAuth(AuthMethod.ECDSA_SHA256_P256, k.getPublic(), OCTETS, longer)
                .valid());
        // BER with a superfluous leading zero in r: the same numbers, not DER
        byte[] r = java.util.Arrays.copyOfRange(raw, 0, 32);
        byte[] s = java.util.Arrays.copyOfRange(raw, 32, 64);
        byte[] rBer = new byte[r.length + 2];
        System.arraycopy(r, 0, rBer, 2, r.length);
        byte[] sInt = new byte[s.length + 1];
        System.arraycopy(s, 0, sInt, 1, s.length);
        byte[] ber = new byte[2 + 2 + rBer.length + 2 + sInt.length];
        ber[0] = 0x30;
        ber[1] = (byte) (ber.length - 2);
        ber[2] = 0x02;
        ber[3] = (byte) rBer.length;
        System.arraycopy(rBer, 0, ber, 4, rBer.length);
        ber[4 + rBer.length] = 0x02;
        ber[5 + rBer.length] = (byte) sInt.length;
        System.arraycopy(sInt, 0, ber, 6 + rBer.length, sInt.length);
        SignatureVerifier.Result notDer = v.checkAuth(
                AuthMethod.DIGITAL_SIGNATURE, k.getPublic(), OCTETS, auth14(SignatureScheme.ECDSA_SHA256, ber));
        assertFalse(notDer.valid());
        assertTrue(notDer.reason().contains("DER"), notDer.reason());
    }

    @Test
    void peerKeysImportedOnceAndBounded() throws Exception {
        TokenEcdsa token = inToken(2);
        KeyPair a = ec("secp256r1");
        KeyPair b = ec("secp256r1");
        KeyPair c = ec("secp256r1");
        byte[] sa = rs(a, "SHA256withECDSA");
        byte[] sb = rs(b, "SHA256withECDSA");
        byte[] sc = rs(c, "SHA256withECDSA");
        for (int i = 0; i < 5; i++) {
            assertTrue(token.verify(a.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, sa));
        }
        assertEquals(1, token.imports(), "one import for every SA of a peer");
        assertTrue(token.verify(b.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, sb));
        assertTrue(token.verify(a.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, sa)); // a newer than b
        assertTrue(token.verify(c.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, sc));
        assertEquals(2, token.held());
        assertEquals(3, token.imports());
        assertTrue(token.verify(a.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, sa));
        assertEquals(3, token.imports(), "a stayed");
        assertTrue(token.verify(b.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, sb));
        assertEquals(4, token.imports(), "b was dropped");
        assertEquals(2, token.held());
    }

    @Test
    void otherCurvesGoToTheHost() throws Exception {
        TokenEcdsa token = inToken(4);
        KeyPair k = ec("secp384r1");
        assertTrue(
                token.verify(k.getPublic(), KeyType.EC_P384, HashAlgorithm.SHA2_384, OCTETS, rs(k, "SHA384withECDSA")));
        assertEquals(0, token.imports());
        assertEquals("host", token.engine(KeyType.EC_P384));
    }

    @Test
    void writesNoAuditRecordOfItsOwn() throws Exception {
        MemoryAuditSink audit = opened.audit();
        int before = audit.records().size();
        KeyPair k = ec("secp256r1");
        assertTrue(inToken(4)
                .verify(k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, rs(k, "SHA256withECDSA")));
        assertEquals(before, audit.records().size());
    }

    @Test
    void calibrationPicksSomethingThatVerifies() throws Exception {
        assertSame(EcdsaVerifier.host(), EcdsaCalibration.choose(List.of()));
        EcdsaVerifier chosen = EcdsaCalibration.choose(List.of(opened.token()));
        assertNotNull(chosen);
        KeyPair k = ec("secp256r1");
        assertTrue(chosen.verify(
                k.getPublic(), KeyType.EC_P256, HashAlgorithm.SHA2_256, OCTETS, rs(k, "SHA256withECDSA")));
    }
}
