package io.ikeseal.agent.auth;

import static io.ikeseal.hsm.token.Token.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.ikeseal.agent.wire.AuthenticationPayload;
import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.CertificateRequestPayload;
import io.ikeseal.agent.wire.IdentificationPayload;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.WiresharkCaptures;
import io.ikeseal.hsm.api.Prf;
import io.ikeseal.hsm.audit.AuditRecord;
import io.ikeseal.hsm.audit.AuditSink;
import io.ikeseal.hsm.sign.HashAlgorithm;
import io.ikeseal.hsm.sign.KeyType;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.hsm.sign.SignatureVerifier;
import io.ikeseal.hsm.sign.TokenEcdsa;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.KeyKind;
import io.ikeseal.testhsm.TestCa;
import io.ikeseal.testhsm.junit.SoftHsmExtension;

/**
 * Signature AUTH end to end on real identity tokens: a SoftHSM "smartcard" with EC P-256/P-384/P-521 and RSA-2048/3072
 * keys certified by the test CA, and one whose key is certified by an intermediate CA. Each side signs in its token
 * and the other checks certificate, ID and signature, as initiator and as responder.
 */
class SignatureAuthTest {
    static final TestCa SUB = TestCa.shared().intermediate("CN=ikeseal test sub CA,O=ikeseal");
    static final SoftHsmExtension card = SoftHsmExtension.withIdentities(
                    spec("ec256", KeyKind.EC_P256),
                    spec("ec384", KeyKind.EC_P384),
                    spec("ec521", KeyKind.EC_P521),
                    spec("rsa2048", KeyKind.RSA_2048),
                    spec("rsa3072", KeyKind.RSA_3072))
            .withLabel("authcard");
    static final SoftHsmExtension subCard = SoftHsmExtension.withIdentities(spec("sub256", KeyKind.EC_P256))
            .withCa(SUB)
            .withLabel("authsub");

    @RegisterExtension
    static final AuthFixture tokens = AuthFixture.smartcards(card, subCard);

    static final TrustAnchors ANCHORS = TrustAnchors.of(List.of(TestCa.shared().certificate()));
    static final Set<HashAlgorithm> ALL = EnumSet.allOf(HashAlgorithm.class);
    static final Set<HashAlgorithm> NONE = Set.of();

    static IdentitySpec spec(String alias, KeyKind kind) {
        return IdentitySpec.of(
                alias,
                kind,
                "CN=" + alias + ".gw.example,O=ikeseal",
                "dns:" + alias + ".gw.example",
                "email:" + alias + "@gw.example");
    }

    static TokenIdentity identity(String alias) {
        return TokenIdentity.find(tokens.smartcard(alias.startsWith("sub") ? 1 : 0), alias);
    }

    static IkeIdentity id(String alias) {
        return IkeIdentity.parse(alias + ".gw.example");
    }

    static PeerAuthenticator verifier(IkeIdentity expected, OwnCertificates own, SignaturePolicy policy) {
        return PeerAuthenticator.certificates(expected, new CertificateValidator(ANCHORS, own), policy, tokens.audit());
    }

    /** What one side received: ID, certificates, AUTH; and which octets it checks them against. */
    record Received(
            IdentificationPayload id,
            List<CertificatePayload> certificates,
            AuthenticationPayload auth,
            byte[] octets) {
        Received withOctets(byte[] other) {
            return new Received(id, certificates, auth, other);
        }
    }

    /** The signer's half: our AUTH over the octets of our role, as the peer receives it. */
    static Received signed(
            String alias, TestSa sa, boolean initiator, Set<HashAlgorithm> peerHashes, SignaturePolicy policy) {
        LocalAuthenticator me = LocalAuthenticator.signature(identity(alias), policy);
        IdentificationPayload ours = id(alias).toPayload(initiator ? PayloadType.IDI : PayloadType.IDR);
        byte[] octets = initiator ? sa.initiatorOctets(ours) : sa.responderOctets(ours);
        AuthenticationPayload auth = await(me.authenticate(octets, sa.prf(), peerHashes, sa.ctx()));
        return new Received(ours, me.certificates(), auth, octets);
    }

    static AuthOutcome check(PeerAuthenticator peer, Received r, TestSa sa) {
        return await(peer.verify(r.id(), r.certificates(), r.auth(), r.octets(), sa.prf(), sa.ctx()));
    }

    static Stream<Arguments> schemes() {
        return Stream.of(
                Arguments.of("ec256", ALL, false, SignatureScheme.ECDSA_SHA256),
                Arguments.of("ec256", NONE, false, SignatureScheme.ECDSA_P256_SHA256),
                Arguments.of("ec256", Set.of(HashAlgorithm.SHA2_384), false, SignatureScheme.ECDSA_SHA384),
                Arguments.of("ec384", ALL, false, SignatureScheme.ECDSA_SHA384),
                Arguments.of("ec384", NONE, false, SignatureScheme.ECDSA_P384_SHA384),
                Arguments.of("ec521", ALL, false, SignatureScheme.ECDSA_SHA512),
                Arguments.of("ec521", NONE, false, SignatureScheme.ECDSA_P521_SHA512),
                Arguments.of("rsa2048", ALL, false, SignatureScheme.RSA_PKCS1_SHA256),
                Arguments.of("rsa2048", ALL, true, SignatureScheme.RSA_PSS_SHA256),
                Arguments.of("rsa2048", NONE, false, SignatureScheme.RSA_PKCS1_SHA1),
                Arguments.of("rsa2048", Set.of(HashAlgorithm.SHA2_512), true, SignatureScheme.RSA_PSS_SHA512),
                Arguments.of("rsa2048", Set.of(HashAlgorithm.SHA1), true, SignatureScheme.RSA_PKCS1_SHA1),
                Arguments.of("rsa3072", Set.of(HashAlgorithm.SHA2_384), false, SignatureScheme.RSA_PKCS1_SHA384),
                Arguments.of("rsa3072", Set.of(HashAlgorithm.SHA2_384), true, SignatureScheme.RSA_PSS_SHA384),
                Arguments.of("rsa3072", Set.of(HashAlgorithm.SHA2_512), false, SignatureScheme.RSA_PKCS1_SHA512),
                Arguments.of("rsa3072", ALL, true, SignatureScheme.RSA_PSS_SHA256),
                Arguments.of("rsa3072", NONE, true, SignatureScheme.RSA_PKCS1_SHA1));
    }

    /** The peer-auth record names a token that did the arithmetic; a bad signature fails the same way. */
    @Test
    void aTokenThatVerifiesIsNamedInThePeerAuthRecord() {
        Token card = tokens.smartcard(1);
        CertificateValidator validator = new CertificateValidator(
                ANCHORS,
                OwnCertificates.NONE,
                Clock.systemUTC(),
                PkixResultCache.withDefaults(),
                SignatureVerifier.using(new TokenEcdsa(card, Set.of(KeyType.EC_P256), 4)));
        PeerAuthenticator peer =
                PeerAuthenticator.certificates(id("ec256"), validator, SignaturePolicy.DEFAULT, tokens.audit());
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        Received r = signed("ec256", sa, true, ALL, SignaturePolicy.DEFAULT);
        AuthOutcome ok = check(peer, r, sa);
        assertTrue(ok.authenticated(), ok.toString());
        JsonNode passed = tokens.audited(AuthAudit.OK, sa.ctx()).getFirst();
        assertEquals(
                "ECDSA_SHA256 (C_Verify in token " + card.name() + ")",
                passed.get("mechanism").asText());
        assertTrue(tokens.audited("verify", sa.ctx()).isEmpty(), "no token operation record of its own");
        byte[] octets = r.octets().clone();
        octets[3] ^= 0x01;
        assertFailed(AuthFailure.SIGNATURE, check(peer, r.withOctets(octets), sa), sa);
        // the P-384 key is verified on the host: the mechanism names only the scheme
        TestSa sa384 = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        PeerAuthenticator peer384 =
                PeerAuthenticator.certificates(id("ec384"), validator, SignaturePolicy.DEFAULT, tokens.audit());
        assertTrue(check(peer384, signed("ec384", sa384, true, ALL, SignaturePolicy.DEFAULT), sa384)
                .authenticated());
        assertEquals(
                "ECDSA_SHA384",
                tokens.audited(AuthAudit.OK, sa384.ctx())
                        .getFirst()
                        .get("mechanism")
                        .asText());
    }

    @Test
    void everySchemeIsCovered() {
        assertEquals(
                EnumSet.allOf(SignatureScheme.class),
                schemes().map(a -> (SignatureScheme) a.get()[3]).collect(Collectors.toSet()));
    }

    @ParameterizedTest(name = "{0}, peer hashes {1}, PSS {2}: {3}")
    @MethodSource("schemes")
    void signsInTheTokenAndThePeerVerifiesBothWays(
            String alias, Set<HashAlgorithm> peerHashes, boolean pss, SignatureScheme expected) {
        SignaturePolicy policy = new SignaturePolicy(pss, true);
        for (boolean initiator : new boolean[] {true, false}) {
            TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
            Received r = signed(alias, sa, initiator, peerHashes, policy);
            assertEquals(expected.method().number(), r.auth().method());
            PeerAuthenticator peer = verifier(id(alias), OwnCertificates.NONE, policy);

            AuthOutcome ok = check(peer, r, sa);
            assertTrue(ok.authenticated(), ok.toString());
            assertEquals(identity(alias).certificate(), ok.certificate());
            assertTrue(
                    ok.detail().startsWith(expected + " signature by certificate \"O=ikeseal, CN=" + alias),
                    ok.detail());

            List<JsonNode> signs = tokens.audited("sign", sa.ctx());
            assertEquals(1, signs.size(), "one token signature, with the SA's context");
            assertEquals(alias, signs.get(0).get("key").asText());
            JsonNode passed = tokens.audited(AuthAudit.OK, sa.ctx()).getFirst();
            assertEquals(expected.name(), passed.get("mechanism").asText());
            assertEquals(id(alias).toString(), passed.get("key").asText());
            assertEquals("ok", passed.get("result").asText());

            // one byte changed anywhere the signature covers
            byte[] octets = r.octets().clone();
            octets[octets.length / 2] ^= 0x01;
            assertFailed(AuthFailure.SIGNATURE, check(peer, r.withOctets(octets), sa), sa);
            byte[] nonce = (initiator ? sa.nr() : sa.ni()).clone();
            nonce[0] ^= 0x01;
            TestSa otherNonce = initiator
                    ? new TestSa(sa.prf(), sa.message1(), sa.message2(), sa.ni(), nonce, sa.skPi(), sa.skPr(), sa.ctx())
                    : new TestSa(
                            sa.prf(), sa.message1(), sa.message2(), nonce, sa.nr(), sa.skPi(), sa.skPr(), sa.ctx());
            assertFailed(
                    AuthFailure.SIGNATURE, check(peer, r.withOctets(octetsOf(otherNonce, initiator, r.id())), sa), sa);
            // an ID that still matches and that the certificate still names, one octet changed (DNS case)
            IdentificationPayload shouted = IkeIdentity.parse(alias.toUpperCase(java.util.Locale.ROOT) + ".gw.example")
                    .toPayload(r.id().kind());
            assertFailed(
                    AuthFailure.SIGNATURE,
                    check(
                            peer,
                            new Received(shouted, r.certificates(), r.auth(), octetsOf(sa, initiator, shouted)),
                            sa),
                    sa);
            byte[] sig = r.auth().data().clone();
            sig[sig.length - 1] ^= 0x01;
            assertFailed(
                    AuthFailure.SIGNATURE,
                    check(
                            peer,
                            new Received(
                                    r.id(),
                                    r.certificates(),
                                    new AuthenticationPayload(r.auth().method(), sig),
                                    r.octets()),
                            sa),
                    sa);
        }
    }

    static byte[] octetsOf(TestSa sa, boolean initiator, IdentificationPayload id) {
        return initiator ? sa.initiatorOctets(id) : sa.responderOctets(id);
    }

    /** The outcome failed for {@code why}, and the audit log's last auth-failed record of the SA says so. */
    static void assertFailed(AuthFailure why, AuthOutcome outcome, TestSa sa) {
        assertEquals(why, outcome.failure(), outcome.toString());
        JsonNode last = tokens.audited(AuthAudit.FAILED, sa.ctx()).getLast();
        assertEquals(why.code() + ": " + outcome.detail(), last.get("result").asText());
        assertTrue(last.get("token").isNull(), "no token decided this");
        assertEquals(sa.ctx().peer(), last.get("peer").asText());
    }

    @Test
    void peerHashesComeFromItsIkeSaInitMessage() throws Exception {
        var request = IkeMessageCodec.decode(WiresharkCaptures.frame(TestSa.CAPTURE, 1));
        assertEquals(ALL, SignatureHashes.announcedBy(request.notifications()));
        assertEquals(NONE, SignatureHashes.announcedBy(List.of()));
        assertEquals(
                "000200030004",
                HexFormat.of().formatHex(SignatureHashes.announcement().data()));
        var local = (LocalAuthenticator.TokenSignature)
                LocalAuthenticator.signature(identity("ec384"), SignaturePolicy.DEFAULT);
        assertEquals(SignatureScheme.ECDSA_SHA384, local.scheme(SignatureHashes.announcedBy(request.notifications())));
    }

    @Test
    void idOtherThanConfiguredFailsBeforeAnythingElse() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_384, "198.51.100.1[4500]");
        Received r = signed("ec256", sa, true, ALL, SignaturePolicy.DEFAULT);
        AuthOutcome out = check(verifier(id("ec384"), OwnCertificates.NONE, SignaturePolicy.DEFAULT), r, sa);
        assertFailed(AuthFailure.ID_MISMATCH, out, sa);
        assertEquals("IDi ec256.gw.example is not the configured ec384.gw.example", out.detail());
    }

    @Test
    void certificateMustNameTheIdAndItsKeyMustHaveSigned() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        Received ec256 = signed("ec256", sa, true, ALL, SignaturePolicy.DEFAULT);
        PeerAuthenticator anyId = verifier(null, OwnCertificates.NONE, SignaturePolicy.DEFAULT);
        List<CertificatePayload> ec384Certs = LocalAuthenticator.signature(identity("ec384"), SignaturePolicy.DEFAULT)
                .certificates();
        assertFailed(
                AuthFailure.CERTIFICATE_ID_MISMATCH,
                check(anyId, new Received(ec256.id(), ec384Certs, ec256.auth(), ec256.octets()), sa),
                sa);

        // ec384's AUTH over octets naming ec256: its certificate does not certify the signing key
        IdentificationPayload claimed = ec256.id();
        byte[] octets = sa.initiatorOctets(claimed);
        AuthenticationPayload byEc384 = await(LocalAuthenticator.signature(identity("ec384"), SignaturePolicy.DEFAULT)
                .authenticate(octets, sa.prf(), ALL, sa.ctx()));
        assertFailed(
                AuthFailure.SIGNATURE,
                check(anyId, new Received(claimed, ec256.certificates(), byEc384, octets), sa),
                sa);

        // the e-mail address is certified too, but AUTH covered the FQDN's MACed ID
        IdentificationPayload mail = IkeIdentity.parse("ec256@gw.example").toPayload(PayloadType.IDI);
        assertFailed(
                AuthFailure.SIGNATURE,
                check(anyId, new Received(mail, ec256.certificates(), ec256.auth(), sa.initiatorOctets(mail)), sa),
                sa);
    }

    @Test
    void dnIdentityMatchesTheCertificateSubject() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_512, "192.0.2.7[500]");
        IkeIdentity dn = IkeIdentity.dn(identity("rsa2048").certificate().getSubjectX500Principal());
        assertEquals("O=ikeseal, CN=rsa2048.gw.example", dn.toString());
        IdentificationPayload idr = dn.toPayload(PayloadType.IDR);
        byte[] octets = sa.responderOctets(idr);
        LocalAuthenticator me = LocalAuthenticator.signature(identity("rsa2048"), SignaturePolicy.DEFAULT);
        AuthenticationPayload auth = await(me.authenticate(octets, sa.prf(), ALL, sa.ctx()));
        PeerAuthenticator peer = verifier(
                IkeIdentity.parse("O=ikeseal, CN=rsa2048.gw.example"), OwnCertificates.NONE, SignaturePolicy.DEFAULT);
        assertTrue(check(peer, new Received(idr, me.certificates(), auth, octets), sa)
                .authenticated());
    }

    @Test
    void ourOwnCertificatePresentedBackIsRefused() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "203.0.113.9[500]");
        // the peer replays our ID, certificate and a signature our own token made
        Received mirror = signed("ec256", sa, false, ALL, SignaturePolicy.DEFAULT);
        OwnCertificates ours = OwnCertificates.of(List.of(identity("ec256"), identity("rsa2048")));
        assertTrue(
                check(verifier(null, OwnCertificates.NONE, SignaturePolicy.DEFAULT), mirror, sa)
                        .authenticated(),
                "everything else about it is valid");
        AuthOutcome refused = check(verifier(null, ours, SignaturePolicy.DEFAULT), mirror, sa);
        assertFailed(AuthFailure.OWN_CERTIFICATE, refused, sa);
        assertTrue(refused.detail().contains("\"O=ikeseal, CN=ec256.gw.example\""), refused.detail());
    }

    @Test
    void intermediateCaChainFromTheToken() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        Received r = signed("sub256", sa, true, ALL, SignaturePolicy.DEFAULT);
        assertEquals(2, r.certificates().size(), "end entity, then the intermediate");
        PeerAuthenticator peer = verifier(id("sub256"), OwnCertificates.NONE, SignaturePolicy.DEFAULT);
        AuthOutcome ok = check(peer, r, sa);
        assertTrue(ok.authenticated(), ok.toString());
        assertTrue(ok.detail().endsWith("path of 2 to a trust anchor"), ok.detail());
        assertFailed(
                AuthFailure.CERTIFICATE_UNTRUSTED,
                check(peer, new Received(r.id(), r.certificates().subList(0, 1), r.auth(), r.octets()), sa),
                sa);
    }

    @Test
    void ourCertificatePayloadsAndWhatACertificateRequestNames() throws Exception {
        TokenIdentity ec256 = identity("ec256");
        TokenIdentity sub256 = identity("sub256");
        List<CertificatePayload> rootIssued = OwnCertificates.payloads(ec256);
        assertEquals(1, rootIssued.size(), "the self-signed root stays home");
        assertEquals(CertificatePayload.X509_SIGNATURE, rootIssued.get(0).encoding());
        assertEquals(
                HexFormat.of().formatHex(ec256.certificate().getEncoded()),
                HexFormat.of().formatHex(rootIssued.get(0).data()));
        List<CertificatePayload> subIssued = OwnCertificates.payloads(sub256);
        assertEquals(
                List.of(sub256.certificate(), SUB.certificate()),
                subIssued.stream().map(p -> parse(p.data())).toList());

        CertificateRequestPayload forRoot = ANCHORS.certificateRequest();
        CertificateRequestPayload forSub =
                TrustAnchors.of(List.of(SUB.certificate())).certificateRequest();
        CertificateRequestPayload forOther = TrustAnchors.of(
                        List.of(TestCa.create("CN=other").certificate()))
                .certificateRequest();
        assertTrue(OwnCertificates.namesCaOf(List.of(forOther, forRoot), ec256));
        assertFalse(OwnCertificates.namesCaOf(List.of(forOther), ec256));
        assertTrue(OwnCertificates.namesCaOf(List.of(forSub), sub256));
        assertFalse(OwnCertificates.namesCaOf(List.of(forRoot), sub256), "the token holds no root for sub256's chain");
        assertTrue(
                OwnCertificates.requested(List.of(CertificateRequestPayload.x509(List.of()))),
                "empty CERTREQ asks too");
        assertFalse(OwnCertificates.requested(List.of()));
        assertFalse(
                OwnCertificates.requested(List.of(new CertificateRequestPayload(CertificatePayload.CRL, new byte[0]))));
    }

    static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void methodOneOnlyWhenThePolicyAllowsSha1() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        SignaturePolicy strict = new SignaturePolicy(true, false);
        LocalAuthenticator rsa = LocalAuthenticator.signature(identity("rsa2048"), strict);
        byte[] octets = sa.initiatorOctets(id("rsa2048").toPayload(PayloadType.IDI));
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> rsa.authenticate(octets, sa.prf(), NONE, sa.ctx()).get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("method 1 (RSA with SHA-1) is not allowed"), e.getMessage());
        assertEquals(
                14,
                await(rsa.authenticate(octets, sa.prf(), Set.of(HashAlgorithm.SHA2_256), sa.ctx()))
                        .method(),
                "method 14 still works");

        Received legacy = signed("rsa2048", sa, true, NONE, SignaturePolicy.DEFAULT);
        assertEquals(1, legacy.auth().method());
        assertFailed(AuthFailure.AUTH_METHOD, check(verifier(null, OwnCertificates.NONE, strict), legacy, sa), sa);
    }

    @Test
    void methodsThatAreNotThisPeersSignatures() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        Received r = signed("ec256", sa, true, ALL, SignaturePolicy.DEFAULT);
        PeerAuthenticator peer = verifier(null, OwnCertificates.NONE, SignaturePolicy.DEFAULT);
        AuthOutcome psk = check(
                peer,
                new Received(r.id(), r.certificates(), new AuthenticationPayload(2, new byte[32]), r.octets()),
                sa);
        assertFailed(AuthFailure.AUTH_METHOD, psk, sa);
        assertEquals(
                "SHARED_KEY_MIC",
                tokens.audited(AuthAudit.FAILED, sa.ctx())
                        .getLast()
                        .get("mechanism")
                        .asText());
        AuthOutcome unknown = check(
                peer,
                new Received(
                        r.id(),
                        r.certificates(),
                        new AuthenticationPayload(200, r.auth().data()),
                        r.octets()),
                sa);
        assertFailed(AuthFailure.AUTH_METHOD, unknown, sa);
        assertEquals(
                "AUTH method 200",
                tokens.audited(AuthAudit.FAILED, sa.ctx())
                        .getLast()
                        .get("mechanism")
                        .asText());
        assertFailed(
                AuthFailure.NO_CERTIFICATE, check(peer, new Received(r.id(), List.of(), r.auth(), r.octets()), sa), sa);
    }

    @Test
    void auditRecordsHoldNamesNeverSignaturesOrCertificates() throws Exception {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        Received r = signed("rsa3072", sa, true, ALL, SignaturePolicy.DEFAULT);
        byte[] sig = r.auth().data().clone();
        sig[20] ^= 1;
        check(
                verifier(null, OwnCertificates.NONE, SignaturePolicy.DEFAULT),
                new Received(
                        r.id(),
                        r.certificates(),
                        new AuthenticationPayload(r.auth().method(), sig),
                        r.octets()),
                sa);
        String log = tokens.auditText();
        HexFormat hex = HexFormat.of();
        byte[] cert = identity("rsa3072").certificate().getEncoded();
        for (String secretish : List.of(
                hex.formatHex(sig, 40, 56),
                hex.formatHex(r.auth().data(), 40, 56),
                hex.formatHex(cert, 100, 116),
                Base64.getEncoder().encodeToString(cert).substring(100, 120),
                hex.formatHex(r.octets(), r.octets().length - 16, r.octets().length))) {
            assertFalse(
                    log.toLowerCase(java.util.Locale.ROOT).contains(secretish.toLowerCase(java.util.Locale.ROOT)),
                    secretish);
        }
        assertTrue(tokens.verifyChain().ok(), "auth records are links of the same hash chain");
    }

    @Test
    void anOutcomeThatCannotBeAuditedIsWithheld() {
        TestSa sa = TestSa.of(Prf.HMAC_SHA2_256, "192.0.2.7[500]");
        Received r = signed("ec256", sa, true, ALL, SignaturePolicy.DEFAULT);
        AuditSink broken = new AuditSink() {
            @Override
            public CompletableFuture<Void> append(AuditRecord record) {
                return CompletableFuture.failedFuture(new IOException("disk full (test)"));
            }

            @Override
            public void close() {}
        };
        PeerAuthenticator peer = PeerAuthenticator.certificates(
                null, new CertificateValidator(ANCHORS, OwnCertificates.NONE), SignaturePolicy.DEFAULT, broken);
        ExecutionException e = assertThrows(
                ExecutionException.class,
                () -> peer.verify(r.id(), r.certificates(), r.auth(), r.octets(), sa.prf(), sa.ctx())
                        .get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("disk full"), e.getMessage());
    }
}
