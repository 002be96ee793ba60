package io.ikeseal.agent.auth;

import static org.bouncycastle.util.Arrays.concatenate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.CertificateRequestPayload;
import io.ikeseal.testhsm.TestCa;

/**
 * The peer's CERT payloads against a test PKI of software keys (the signing keys themselves are not under test
 * here; SignatureAuthTest signs in tokens): a root we trust, an intermediate under it, an unrelated root.
 */
class CertificateValidatorTest {
    static final TestCa ROOT = TestCa.create("CN=auth test root,O=ikeseal");
    static final TestCa SUB = ROOT.intermediate("CN=auth test sub CA,O=ikeseal");
    static final TestCa OTHER = TestCa.create("CN=somebody else's root");
    static final TrustAnchors ANCHORS = TrustAnchors.of(List.of(ROOT.certificate()));
    static final KeyPair OUR_KEY = ecKey();
    static final X509Certificate OURS =
            ROOT.issue(OUR_KEY.getPublic(), "CN=our gateway", List.of("dns:gw.ours.example"));
    static final CertificateValidator VALIDATOR =
            new CertificateValidator(ANCHORS, OwnCertificates.ofCertificates(List.of(OURS)));
    static final IkeIdentity PEER = IkeIdentity.parse("peer.example");

    static KeyPair ecKey() {
        try {
            return KeyPairGenerator.getInstance("EC").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static X509Certificate peerCert(TestCa ca, String... sans) {
        return ca.issue(ecKey().getPublic(), "CN=peer,O=ikeseal", List.of(sans));
    }

    static List<CertificatePayload> cert(X509Certificate... chain) throws Exception {
        List<CertificatePayload> out = new ArrayList<>();
        for (X509Certificate c : chain) {
            out.add(new CertificatePayload(CertificatePayload.X509_SIGNATURE, c.getEncoded()));
        }
        return out;
    }

    static void fails(AuthFailure want, AuthOutcome got) {
        assertEquals(want, got.failure(), got.toString());
        assertNull(got.certificate());
        assertTrue(got.toString().startsWith("AUTHENTICATION_FAILED " + want.code()), got.toString());
    }

    @Test
    void validChainWithMatchingSubjectAltName() throws Exception {
        X509Certificate ee =
                peerCert(ROOT, "dns:peer.example", "email:ops@peer.example", "ip:192.0.2.7", "ip:2001:db8::7");
        AuthOutcome ok = VALIDATOR.validate(PEER, cert(ee));
        assertTrue(ok.authenticated(), ok.toString());
        assertSame(PEER, ok.peer());
        assertEquals(ee, ok.certificate());
        assertEquals(
                "certificate \"O=ikeseal, CN=peer\" issued by \"O=ikeseal, CN=auth test root\", path of 1 to a "
                        + "trust anchor",
                ok.detail());
        for (String id :
                List.of("PEER.Example", "ops@peer.example", "192.0.2.7", "2001:db8::7", "O=ikeseal, CN=peer")) {
            assertTrue(VALIDATOR.validate(IkeIdentity.parse(id), cert(ee)).authenticated(), id);
        }
    }

    @Test
    void certificateMustNameThePeersId() throws Exception {
        X509Certificate ee = peerCert(ROOT, "dns:peer.example", "ip:192.0.2.7");
        for (String id : List.of(
                "other.example",
                "peer.example.evil",
                "192.0.2.8",
                "ops@peer.example",
                "CN=peer, O=ikeseal",
                "fqdn:192.0.2.7",
                "@#00")) {
            AuthOutcome out = VALIDATOR.validate(IkeIdentity.parse(id), cert(ee));
            fails(AuthFailure.CERTIFICATE_ID_MISMATCH, out);
            assertTrue(
                    out.detail().contains("which names [peer.example, 192.0.2.7, O=ikeseal, CN=peer]"), out.detail());
        }
        X509Certificate cnOnly = ROOT.issue(ecKey().getPublic(), "CN=peer.example", List.of());
        fails(AuthFailure.CERTIFICATE_ID_MISMATCH, VALIDATOR.validate(PEER, cert(cnOnly)));
    }

    @Test
    void dnIdMatchesTheSubject() throws Exception {
        X509Certificate ee = ROOT.issue(ecKey().getPublic(), "CN=peer gateway,OU=VPN,O=Example,C=DE", List.of());
        assertTrue(VALIDATOR
                .validate(IkeIdentity.parse("C=DE, O=Example, OU=VPN, CN=peer gateway"), cert(ee))
                .authenticated());
        assertTrue(VALIDATOR
                .validate(IkeIdentity.dn(ee.getSubjectX500Principal()), cert(ee))
                .authenticated());
        fails(
                AuthFailure.CERTIFICATE_ID_MISMATCH,
                VALIDATOR.validate(IkeIdentity.parse("C=DE, O=Example, CN=peer gateway"), cert(ee)));
    }

    @Test
    void expiredAndNotYetValid() throws Exception {
        Instant now = Instant.now();
        PublicKey key = ecKey().getPublic();
        X509Certificate expired = ROOT.issue(
                key,
                "CN=peer",
                List.of("peer.example"),
                now.minus(Duration.ofDays(30)),
                now.minus(Duration.ofDays(1)),
                KeyUsage.digitalSignature);
        AuthOutcome e = VALIDATOR.validate(PEER, cert(expired));
        fails(AuthFailure.CERTIFICATE_EXPIRED, e);
        assertTrue(e.detail().contains("expired " + expired.getNotAfter().toInstant()), e.detail());
        X509Certificate future = ROOT.issue(
                key,
                "CN=peer",
                List.of("peer.example"),
                now.plus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)),
                KeyUsage.digitalSignature);
        fails(AuthFailure.CERTIFICATE_NOT_YET_VALID, VALIDATOR.validate(PEER, cert(future)));

        X509Certificate valid = peerCert(ROOT, "peer.example");
        CertificateValidator later = new CertificateValidator(
                ANCHORS,
                OwnCertificates.NONE,
                Clock.fixed(valid.getNotAfter().toInstant().plusSeconds(1), ZoneOffset.UTC));
        fails(AuthFailure.CERTIFICATE_EXPIRED, later.validate(PEER, cert(valid)));
    }

    @Test
    void notIssuedByTheAnchor() throws Exception {
        X509Certificate ee = peerCert(OTHER, "peer.example");
        AuthOutcome out = VALIDATOR.validate(PEER, cert(ee));
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, out);
        assertTrue(out.detail().contains("issued by \"CN=somebody else's root\""), out.detail());
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, VALIDATOR.validate(PEER, cert(ee, OTHER.certificate())));
    }

    @Test
    void selfSignedPeerCertificate() throws Exception {
        TestCa self = TestCa.create("CN=peer.example");
        X509Certificate ee = self.issue(self.certificate().getPublicKey(), "CN=peer.example", List.of("peer.example"));
        assertEquals(ee.getSubjectX500Principal(), ee.getIssuerX500Principal());
        ee.verify(ee.getPublicKey());
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, VALIDATOR.validate(PEER, cert(ee)));
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, VALIDATOR.validate(PEER, cert(ee, ROOT.certificate())));
    }

    @Test
    void ourOwnCertificateIsRefusedThoughItChains() throws Exception {
        IkeIdentity us = IkeIdentity.parse("gw.ours.example");
        assertTrue(
                new CertificateValidator(ANCHORS, OwnCertificates.NONE)
                        .validate(us, cert(OURS))
                        .authenticated(),
                "it chains and names the ID");
        AuthOutcome mirrored = VALIDATOR.validate(us, cert(OURS));
        fails(AuthFailure.OWN_CERTIFICATE, mirrored);
        assertTrue(mirrored.detail().contains("\"CN=our gateway\""), mirrored.detail());

        X509Certificate sameKey = ROOT.issue(OUR_KEY.getPublic(), "CN=imposter", List.of("peer.example"));
        fails(AuthFailure.OWN_CERTIFICATE, VALIDATOR.validate(PEER, cert(sameKey)));
        // not even as an intermediate
        fails(AuthFailure.OWN_CERTIFICATE, VALIDATOR.validate(PEER, cert(peerCert(ROOT, "peer.example"), OURS)));
    }

    @Test
    void keyUsageWithoutDigitalSignature() throws Exception {
        Instant now = Instant.now();
        PublicKey key = ecKey().getPublic();
        X509Certificate encipherOnly = ROOT.issue(
                key,
                "CN=peer",
                List.of("peer.example"),
                now.minusSeconds(60),
                now.plus(Duration.ofDays(1)),
                KeyUsage.keyEncipherment | KeyUsage.keyAgreement);
        fails(AuthFailure.CERTIFICATE_KEY_USAGE, VALIDATOR.validate(PEER, cert(encipherOnly)));
        X509Certificate noExtension = ROOT.issue(
                key, "CN=peer", List.of("peer.example"), now.minusSeconds(60), now.plus(Duration.ofDays(1)), 0);
        assertTrue(VALIDATOR.validate(PEER, cert(noExtension)).authenticated(), "no key usage limits nothing");
    }

    @Test
    void intermediateCaChainInAnyOrder() throws Exception {
        X509Certificate ee = peerCert(SUB, "peer.example");
        AuthOutcome ok = VALIDATOR.validate(PEER, cert(ee, SUB.certificate()));
        assertTrue(ok.authenticated(), ok.toString());
        assertTrue(ok.detail().endsWith("path of 2 to a trust anchor"), ok.detail());
        X509Certificate unrelated = peerCert(OTHER, "x.example");
        assertTrue(
                VALIDATOR
                        .validate(PEER, cert(ee, unrelated, ROOT.certificate(), SUB.certificate()))
                        .authenticated(),
                "extra and anchor certificates are passed over");
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, VALIDATOR.validate(PEER, cert(ee)));
        // the first certificate is the one whose key signed AUTH (RFC 7296 §3.6): here the CA's
        fails(AuthFailure.CERTIFICATE_KEY_USAGE, VALIDATOR.validate(PEER, cert(SUB.certificate(), ee)));
    }

    @Test
    void malformedOrMissingCertificates() throws Exception {
        byte[] der = peerCert(ROOT, "peer.example").getEncoded();
        byte[] trailing = Arrays.copyOf(der, der.length + 1);
        byte[] pem = TestCa.pem(peerCert(ROOT, "peer.example")).getBytes(StandardCharsets.US_ASCII);
        for (byte[] bad : List.of(new byte[] {0x30, 0x03, 0x02, 0x01, 0x00}, trailing, pem, Arrays.copyOf(der, 100))) {
            fails(
                    AuthFailure.CERTIFICATE_MALFORMED,
                    VALIDATOR.validate(PEER, List.of(new CertificatePayload(CertificatePayload.X509_SIGNATURE, bad))));
        }
        List<CertificatePayload> nine = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            nine.addAll(cert(peerCert(ROOT, "peer.example")));
        }
        fails(AuthFailure.CERTIFICATE_MALFORMED, VALIDATOR.validate(PEER, nine));
        fails(AuthFailure.NO_CERTIFICATE, VALIDATOR.validate(PEER, List.of()));
        fails(
                AuthFailure.NO_CERTIFICATE,
                VALIDATOR.validate(PEER, List.of(new CertificatePayload(CertificatePayload.CRL, der))));
    }

    @Test
    void unsupportedKeyType() throws Exception {
        PublicKey ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        X509Certificate ee = ROOT.issue(ed, "CN=peer", List.of("peer.example"));
        fails(AuthFailure.CERTIFICATE_KEY_TYPE, VALIDATOR.validate(PEER, cert(ee)));
    }

    /**
     * CVE-2022-40617: strongSwan fetched CRLs and OCSP for certificates whose signature it had not checked, so a peer
     * could make it connect anywhere. Here a certificate naming our anchor as issuer but signed by another key, with
     * CRL distribution point, OCSP and caIssuers URLs, and a hash-and-URL CERT payload make no connection: a listener
     * on loopback has nothing queued afterwards.
     */
    @Test
    void neverFetchesAnything() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            String url = "http://127.0.0.1:" + ((InetSocketAddress) listener.getLocalAddress()).getPort() + "/x";
            X509Certificate forged = forgedWithFetchUrls(url);
            AuthOutcome out = VALIDATOR.validate(PEER, cert(forged));
            fails(AuthFailure.CERTIFICATE_UNTRUSTED, out);
            assertTrue(out.detail().contains("issued by \"O=ikeseal, CN=auth test root\""), out.detail());
            byte[] hashAndUrl = concatenate(
                    MessageDigest.getInstance("SHA-1").digest(forged.getEncoded()),
                    url.getBytes(StandardCharsets.US_ASCII));
            fails(
                    AuthFailure.NO_CERTIFICATE,
                    VALIDATOR.validate(
                            PEER, List.of(new CertificatePayload(CertificatePayload.HASH_AND_URL_X509, hashAndUrl))));
            assertNull(listener.accept(), "no connection was attempted");
        }
    }

    /** Claims ROOT as its issuer, is signed by some other key, and points every fetchable URL at {@code url}. */
    private static X509Certificate forgedWithFetchUrls(String url) throws Exception {
        GeneralName where = new GeneralName(GeneralName.uniformResourceIdentifier, url);
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(
                ROOT.certificate(),
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)),
                Date.from(now.plus(Duration.ofDays(1))),
                new X500Principal("CN=peer"),
                ecKey().getPublic());
        b.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "peer.example")));
        b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
            new DistributionPoint(new DistributionPointName(new GeneralNames(where)), null, null)
        }));
        b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
            new AccessDescription(AccessDescription.id_ad_ocsp, where),
            new AccessDescription(AccessDescription.id_ad_caIssuers, where)
        }));
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ecKey().getPrivate())));
    }

    @Test
    void certificateRequestNamesEachAnchorBySpkiHash() throws Exception {
        TrustAnchors two = TrustAnchors.of(List.of(ROOT.certificate(), OTHER.certificate()));
        CertificateRequestPayload req = two.certificateRequest();
        assertEquals(CertificatePayload.X509_SIGNATURE, req.encoding());
        List<byte[]> hashes = req.authorityHashes();
        assertEquals(2, hashes.size());
        for (int i = 0; i < 2; i++) {
            X509Certificate ca = two.certificates().get(i);
            byte[] spki = SubjectPublicKeyInfo.getInstance(ca.getPublicKey().getEncoded())
                    .getEncoded();
            assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(spki), hashes.get(i));
            byte[] ski = DEROctetString.getInstance(
                            DEROctetString.getInstance(ca.getExtensionValue(Extension.subjectKeyIdentifier.getId()))
                                    .getOctets())
                    .getOctets();
            assertFalse(Arrays.equals(ski, hashes.get(i)), "not the subjectKeyIdentifier (RFC 5280 method 1)");
        }
    }
}
