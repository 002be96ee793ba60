package io.ikeseal.hsm.sign;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.hsm.MemoryAuditSink;
import io.ikeseal.hsm.OpenTokenExtension;
import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/** Every scheme signs in a SoftHSM identity token and verifies with SignatureVerifier and, independently, the JDK. */
class TokenSignerTest {
    static final String[] ALIASES = {"ec256", "ec384", "ec521", "rsa2048", "rsa3072"};

    static final SoftHsmExtension smartcard = SoftHsmExtension.withIdentities(
            IdentitySpec.of("ec256", KeyKind.EC_P256, "CN=ec256.example"),
            IdentitySpec.of("ec384", KeyKind.EC_P384, "CN=ec384.example"),
            IdentitySpec.of("ec521", KeyKind.EC_P521, "CN=ec521.example"),
            IdentitySpec.of("rsa2048", KeyKind.RSA_2048, "CN=rsa2048.example"),
            IdentitySpec.of("rsa3072", KeyKind.RSA_3072, "CN=rsa3072.example"));

    @RegisterExtension
    static final OpenTokenExtension opened =
            OpenTokenExtension.softHsm(smartcard, ResidencyTier.SEALED, TokenRole.IDENTITY);

    static final MemoryAuditSink AUDIT = opened.audit();

    static Stream<Arguments> fittingPairs() {
        List<Arguments> out = new ArrayList<>();
        for (SignatureScheme s : SignatureScheme.values()) {
            for (String alias : ALIASES) {
                if (s.fits(keyType(alias))) {
                    out.add(Arguments.of(s, alias));
                }
            }
        }
        return out.stream();
    }

    static KeyType keyType(String alias) {
        return switch (alias) {
            case "ec256" -> KeyType.EC_P256;
            case "ec384" -> KeyType.EC_P384;
            case "ec521" -> KeyType.EC_P521;
            default -> KeyType.RSA;
        };
    }

    @Test
    void everySchemeIsCovered() {
        assertEquals(3 + 3 * 3 + 7 * 2, fittingPairs().count());
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("fittingPairs")
    void signsInTokenAndVerifies(SignatureScheme scheme, String alias) throws Exception {
        TokenIdentity id = TokenIdentity.find(opened.token(), alias);
        assertEquals(keyType(alias), id.keyType());
        assertNull(id.privateKey().getEncoded(), "the token key is not extractable");
        PublicKey pub = id.certificate().getPublicKey();
        byte[] octets = ("IKE_SA_INIT message | Nr | prf(SK_pi, IDi') for " + scheme).getBytes(StandardCharsets.UTF_8);
        AuditContext ctx = new AuditContext("0011223344556677", "8899aabbccddeeff", "192.0.2.7");

        AUDIT.clear();
        byte[] auth = Token.await(TokenSigner.sign(id, scheme, octets, ctx));

        assertTrue(
                SignatureVerifier.verify(scheme.method(), pub, octets, auth),
                SignatureVerifier.check(scheme.method(), pub, octets, auth).reason());
        assertTrue(jdkVerify(scheme, pub, octets, auth), "the JDK accepts the token's signature");

        byte[] otherOctets = octets.clone();
        otherOctets[otherOctets.length / 2] ^= 0x01;
        assertFalse(SignatureVerifier.verify(scheme.method(), pub, otherOctets, auth));
        assertFalse(jdkVerify(scheme, pub, otherOctets, auth));
        byte[] otherSig = auth.clone();
        otherSig[otherSig.length - 1] ^= 0x01;
        assertFalse(SignatureVerifier.verify(scheme.method(), pub, octets, otherSig));
        assertFalse(jdkVerify(scheme, pub, octets, otherSig));

        List<AuditRecord> signs = AUDIT.byOperation("sign");
        assertEquals(1, signs.size());
        AuditRecord r = signs.get(0);
        assertEquals(alias, r.keyRef());
        assertEquals("ok", r.result());
        assertEquals(ctx, r.context());
        assertEquals(expectedMechanism(scheme), r.mechanism());
        String text = r.toString().toLowerCase(java.util.Locale.ROOT);
        HexFormat hex = HexFormat.of();
        assertFalse(text.contains(hex.formatHex(octets, 0, 8)), "no octets in the audit record");
        assertFalse(
                text.contains(hex.formatHex(auth, auth.length - 8, auth.length)), "no signature in the audit record");
    }

    /** SoftHSM 2.6 offers CKM_ECDSA only (the hash runs in SunPKCS11) and hash-and-sign mechanisms for RSA. */
    static String expectedMechanism(SignatureScheme s) {
        String h = s.hash().jcaName().replace("-", "");
        return switch (s.family()) {
            case ECDSA -> "CKM_ECDSA";
            case RSA_PKCS1 -> "CKM_" + h + "_RSA_PKCS";
            case RSA_PSS -> "CKM_" + h + "_RSA_PKCS_PSS";
        };
    }

    /** Plain JDK verification of the AUTH data, parsing the RFC 7427 framing and RFC 4754 r|s here in the test. */
    static boolean jdkVerify(SignatureScheme scheme, PublicKey pub, byte[] octets, byte[] auth) throws Exception {
        byte[] sig = auth;
        if (scheme.method() == AuthMethod.DIGITAL_SIGNATURE) {
            int len = auth[0] & 0xff;
            assertArrayEquals(scheme.algorithmIdentifier(), Arrays.copyOfRange(auth, 1, 1 + len));
            sig = Arrays.copyOfRange(auth, 1 + len, auth.length);
        }
        String h = scheme.hash().jcaName().replace("-", "");
        Signature v = switch (scheme.family()) {
            case RSA_PKCS1 -> Signature.getInstance(h + "withRSA", "SunRsaSign");
            case RSA_PSS -> Signature.getInstance("RSASSA-PSS", "SunRsaSign");
            case ECDSA ->
                Signature.getInstance(
                        h + "withECDSA" + (scheme.method() == AuthMethod.DIGITAL_SIGNATURE ? "" : "inP1363Format"),
                        "SunEC");
        };
        v.initVerify(pub);
        if (scheme.family() == SignatureScheme.Family.RSA_PSS) {
            v.setParameter(scheme.pssParameters());
        }
        if (scheme.family() == SignatureScheme.Family.ECDSA && scheme.method() != AuthMethod.DIGITAL_SIGNATURE) {
            KeyType t = KeyType.of(pub).orElseThrow();
            assertEquals(2 * t.fieldLength(), sig.length, "RFC 4754 r|s is twice the field size");
        }
        v.update(octets);
        try {
            return v.verify(sig);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    @Test
    void schemeThatDoesNotFitTheKeyIsRefusedBeforeTheToken() {
        TokenIdentity ec = TokenIdentity.find(opened.token(), "ec384");
        AUDIT.clear();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Token.await(
                        TokenSigner.sign(ec, SignatureScheme.ECDSA_P256_SHA256, new byte[8], AuditContext.NONE)));
        assertTrue(e.getMessage().contains("does not fit EC_P384"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Token.await(
                        TokenSigner.sign(ec, SignatureScheme.RSA_PSS_SHA256, new byte[8], AuditContext.NONE)));
        assertTrue(AUDIT.byOperation("sign").isEmpty());
    }

    @Test
    void ecdsaSignaturesAreFreshAndRsaPkcs1Deterministic() {
        TokenIdentity ec = TokenIdentity.find(opened.token(), "ec256");
        TokenIdentity rsa = TokenIdentity.find(opened.token(), "rsa2048");
        byte[] o = "octets".getBytes(StandardCharsets.UTF_8);
        assertFalse(Arrays.equals(
                Token.await(TokenSigner.sign(ec, SignatureScheme.ECDSA_SHA256, o, null)),
                Token.await(TokenSigner.sign(ec, SignatureScheme.ECDSA_SHA256, o, null))));
        assertArrayEquals(
                Token.await(TokenSigner.sign(rsa, SignatureScheme.RSA_PKCS1_SHA256, o, null)),
                Token.await(TokenSigner.sign(rsa, SignatureScheme.RSA_PKCS1_SHA256, o, null)));
    }
}
