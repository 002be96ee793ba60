package io.ikeseal.hsm.sign;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;

/** The numbers and DER encodings of the scheme table against the RFCs and an independent BouncyCastle encoding. */
class SignatureSchemeTest {
    private static final HexFormat HEX = HexFormat.of();
    /** RFC 7427 Appendix A.4.3, "RSASSA-PSS with SHA-256" (Length = 67). */
    private static final String RFC7427_A43 = "3041060"
            + "92a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d0609608648"
            + "0165030402010500a203020120";

    @Test
    void ikev2Numbers() {
        assertEquals(
                List.of(1, 2, 9, 10, 11, 14),
                java.util.Arrays.stream(AuthMethod.values())
                        .map(AuthMethod::number)
                        .toList());
        assertEquals(
                List.of(1, 2, 3, 4),
                java.util.Arrays.stream(HashAlgorithm.values())
                        .map(HashAlgorithm::number)
                        .toList());
        assertEquals(AuthMethod.DIGITAL_SIGNATURE, AuthMethod.of(14).orElseThrow());
        assertTrue(AuthMethod.of(3).isEmpty(), "DSS (3) is not offered");
        assertTrue(HashAlgorithm.of(5).isEmpty(), "Identity (5) is not a signature hash");
    }

    @Test
    void pssSha256IsRfc7427AppendixA43() {
        assertEquals(RFC7427_A43, HEX.formatHex(SignatureScheme.RSA_PSS_SHA256.algorithmIdentifier()));
        assertEquals(67, SignatureScheme.RSA_PSS_SHA256.algorithmIdentifier().length);
    }

    @Test
    void everyAlgorithmIdentifierEqualsBouncyCastleDer() throws Exception {
        for (SignatureScheme s : SignatureScheme.values()) {
            if (s.method() != AuthMethod.DIGITAL_SIGNATURE) {
                assertNull(s.algorithmIdentifier(), s + " has no AlgorithmIdentifier");
                continue;
            }
            ASN1ObjectIdentifier hashOid = hashOid(s.hash());
            AlgorithmIdentifier expected = switch (s.family()) {
                case RSA_PKCS1 ->
                    new AlgorithmIdentifier(
                            switch (s.hash()) {
                                case SHA2_256 -> PKCSObjectIdentifiers.sha256WithRSAEncryption;
                                case SHA2_384 -> PKCSObjectIdentifiers.sha384WithRSAEncryption;
                                case SHA2_512 -> PKCSObjectIdentifiers.sha512WithRSAEncryption;
                                case SHA1 -> throw new AssertionError();
                            },
                            DERNull.INSTANCE);
                case ECDSA ->
                    new AlgorithmIdentifier(
                            switch (s.hash()) {
                                case SHA2_256 -> X9ObjectIdentifiers.ecdsa_with_SHA256;
                                case SHA2_384 -> X9ObjectIdentifiers.ecdsa_with_SHA384;
                                case SHA2_512 -> X9ObjectIdentifiers.ecdsa_with_SHA512;
                                case SHA1 -> throw new AssertionError();
                            });
                case RSA_PSS -> {
                    AlgorithmIdentifier h = new AlgorithmIdentifier(hashOid, DERNull.INSTANCE);
                    yield new AlgorithmIdentifier(
                            PKCSObjectIdentifiers.id_RSASSA_PSS,
                            new RSASSAPSSparams(
                                    h,
                                    new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, h),
                                    new ASN1Integer(s.hash().length()),
                                    new ASN1Integer(1)));
                }
            };
            assertEquals(
                    HEX.formatHex(expected.getEncoded(ASN1Encoding.DER)),
                    HEX.formatHex(s.algorithmIdentifier()),
                    s.toString());
            assertEquals(
                    s,
                    SignatureScheme.byAlgorithmIdentifier(s.algorithmIdentifier())
                            .orElseThrow());
        }
    }

    @Test
    void digestInfoPrefixesAreRfc8017() throws Exception {
        for (HashAlgorithm h : HashAlgorithm.values()) {
            byte[] di = new DigestInfo(new AlgorithmIdentifier(hashOid(h), DERNull.INSTANCE), new byte[h.length()])
                    .getEncoded(ASN1Encoding.DER);
            assertEquals(
                    HEX.formatHex(di, 0, di.length - h.length()), HEX.formatHex(h.digestInfoPrefix()), h.toString());
        }
    }

    private static ASN1ObjectIdentifier hashOid(HashAlgorithm h) {
        return switch (h) {
            case SHA1 -> OIWObjectIdentifiers.idSHA1;
            case SHA2_256 -> NISTObjectIdentifiers.id_sha256;
            case SHA2_384 -> NISTObjectIdentifiers.id_sha384;
            case SHA2_512 -> NISTObjectIdentifiers.id_sha512;
        };
    }

    @Test
    void selectionFollowsKeyAndPeerHashes() {
        Set<HashAlgorithm> all = Set.of(HashAlgorithm.SHA2_256, HashAlgorithm.SHA2_384, HashAlgorithm.SHA2_512);
        assertEquals(SignatureScheme.ECDSA_P256_SHA256, SignatureScheme.select(KeyType.EC_P256, Set.of(), false));
        assertEquals(SignatureScheme.ECDSA_P384_SHA384, SignatureScheme.select(KeyType.EC_P384, Set.of(), true));
        assertEquals(
                SignatureScheme.ECDSA_P521_SHA512,
                SignatureScheme.select(KeyType.EC_P521, Set.of(HashAlgorithm.SHA1), false),
                "no shared hash: legacy");
        assertEquals(SignatureScheme.ECDSA_SHA256, SignatureScheme.select(KeyType.EC_P256, all, false));
        assertEquals(SignatureScheme.ECDSA_SHA384, SignatureScheme.select(KeyType.EC_P384, all, false));
        assertEquals(SignatureScheme.ECDSA_SHA512, SignatureScheme.select(KeyType.EC_P521, all, false));
        assertEquals(
                SignatureScheme.ECDSA_SHA256,
                SignatureScheme.select(KeyType.EC_P384, Set.of(HashAlgorithm.SHA2_256), false));
        assertEquals(SignatureScheme.RSA_PKCS1_SHA1, SignatureScheme.select(KeyType.RSA, Set.of(), true));
        assertEquals(SignatureScheme.RSA_PKCS1_SHA256, SignatureScheme.select(KeyType.RSA, all, false));
        assertEquals(SignatureScheme.RSA_PSS_SHA256, SignatureScheme.select(KeyType.RSA, all, true));
        assertEquals(
                SignatureScheme.RSA_PSS_SHA512,
                SignatureScheme.select(KeyType.RSA, Set.of(HashAlgorithm.SHA2_512), true));
        for (SignatureScheme s : SignatureScheme.values()) {
            long fitting =
                    java.util.Arrays.stream(KeyType.values()).filter(s::fits).count();
            assertEquals(
                    s.method() == AuthMethod.DIGITAL_SIGNATURE && s.family() == SignatureScheme.Family.ECDSA ? 3 : 1,
                    fitting,
                    s.toString());
        }
    }
}
