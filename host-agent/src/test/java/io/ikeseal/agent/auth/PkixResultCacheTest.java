package io.ikeseal.agent.auth;

import static io.ikeseal.agent.auth.CertificateValidatorTest.PEER;
import static io.ikeseal.agent.auth.CertificateValidatorTest.ROOT;
import static io.ikeseal.agent.auth.CertificateValidatorTest.SUB;
import static io.ikeseal.agent.auth.CertificateValidatorTest.cert;
import static io.ikeseal.agent.auth.CertificateValidatorTest.ecKey;
import static io.ikeseal.agent.auth.CertificateValidatorTest.fails;
import static io.ikeseal.agent.auth.CertificateValidatorTest.peerCert;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

import io.ikeseal.testhsm.TestCa;

/** The PKIX result cache behind CertificateValidator: what it reuses, and what makes it validate again. */
class PkixResultCacheTest {
    static final TrustAnchors ANCHORS = TrustAnchors.of(List.of(ROOT.certificate()));

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        volatile Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static void ok(AuthOutcome o) {
        assertTrue(o.authenticated(), o.toString());
    }

    @Test
    void secondValidationOfTheSameChainRunsNoPkix() throws Exception {
        PkixResultCache cache = PkixResultCache.withDefaults();
        CertificateValidator v = new CertificateValidator(ANCHORS, OwnCertificates.NONE, Clock.systemUTC(), cache);
        X509Certificate ee = peerCert(SUB, "peer.example");
        ok(v.validate(PEER, cert(ee, SUB.certificate())));
        assertEquals(1, cache.validations());
        ok(v.validate(PEER, cert(ee, SUB.certificate())));
        ok(v.validate(PEER, cert(ee, ROOT.certificate(), SUB.certificate()))); // the same path after sorting
        assertEquals(1, cache.validations(), "PKIX ran once");
        assertEquals(2, cache.hits());
        // checks outside PKIX still run on a hit
        fails(
                AuthFailure.CERTIFICATE_ID_MISMATCH,
                v.validate(IkeIdentity.parse("other.example"), cert(ee, SUB.certificate())));
        assertEquals(1, cache.validations());
    }

    @Test
    void failuresAreNotRemembered() throws Exception {
        PkixResultCache cache = PkixResultCache.withDefaults();
        CertificateValidator v = new CertificateValidator(ANCHORS, OwnCertificates.NONE, Clock.systemUTC(), cache);
        X509Certificate ee = peerCert(SUB, "peer.example");
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, v.validate(PEER, cert(ee)));
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, v.validate(PEER, cert(ee)));
        assertEquals(2, cache.validations());
        assertEquals(0, cache.size());
    }

    @Test
    void entryExpiresAfterItsTimeToLive() throws Exception {
        MovingClock clock = new MovingClock(Instant.now());
        PkixResultCache cache = new PkixResultCache(16, Duration.ofMinutes(10));
        CertificateValidator v = new CertificateValidator(ANCHORS, OwnCertificates.NONE, clock, cache);
        X509Certificate ee = peerCert(ROOT, "peer.example");
        ok(v.validate(PEER, cert(ee)));
        clock.now = clock.now.plus(Duration.ofMinutes(9));
        ok(v.validate(PEER, cert(ee)));
        assertEquals(1, cache.validations());
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        ok(v.validate(PEER, cert(ee)));
        assertEquals(2, cache.validations(), "validated again after 10 minutes");
    }

    @Test
    void entryEndsWithTheEarliestNotAfterInThePath() throws Exception {
        Instant now = Instant.now();
        MovingClock clock = new MovingClock(now);
        PkixResultCache cache = new PkixResultCache(16, Duration.ofHours(1));
        CertificateValidator v = new CertificateValidator(ANCHORS, OwnCertificates.NONE, clock, cache);
        X509Certificate shortLived = ROOT.issue(
                ecKey().getPublic(),
                "CN=peer",
                List.of("peer.example"),
                now.minusSeconds(60),
                now.plus(Duration.ofMinutes(5)),
                KeyUsage.digitalSignature);
        ok(v.validate(PEER, cert(shortLived)));
        clock.now = now.plus(Duration.ofMinutes(4));
        ok(v.validate(PEER, cert(shortLived)));
        assertEquals(1, cache.validations());
        clock.now = now.plus(Duration.ofMinutes(6)); // within the hour, past notAfter
        fails(AuthFailure.CERTIFICATE_EXPIRED, v.validate(PEER, cert(shortLived)));
        assertEquals(2, cache.validations());
        clock.now = now.minus(Duration.ofMinutes(5)); // clock set back before notBefore: not believed either
        ok(new CertificateValidator(ANCHORS, OwnCertificates.NONE, new MovingClock(now), cache)
                .validate(PEER, cert(shortLived)));
        fails(AuthFailure.CERTIFICATE_NOT_YET_VALID, v.validate(PEER, cert(shortLived)));
    }

    @Test
    void otherAnchorsDoNotShareEntries() throws Exception {
        PkixResultCache cache = PkixResultCache.withDefaults();
        TestCa other = TestCa.create("CN=another root");
        X509Certificate ee = peerCert(ROOT, "peer.example");
        ok(new CertificateValidator(ANCHORS, OwnCertificates.NONE, Clock.systemUTC(), cache).validate(PEER, cert(ee)));
        CertificateValidator otherOnly = new CertificateValidator(
                TrustAnchors.of(List.of(other.certificate())), OwnCertificates.NONE, Clock.systemUTC(), cache);
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, otherOnly.validate(PEER, cert(ee)));
        CertificateValidator both = new CertificateValidator(
                TrustAnchors.of(List.of(other.certificate(), ROOT.certificate())),
                OwnCertificates.NONE,
                Clock.systemUTC(),
                cache);
        ok(both.validate(PEER, cert(ee)));
        assertEquals(3, cache.validations(), "each anchor set validated for itself");
        ok(new CertificateValidator(
                        TrustAnchors.of(List.of(ROOT.certificate(), other.certificate())),
                        OwnCertificates.NONE,
                        Clock.systemUTC(),
                        cache)
                .validate(PEER, cert(ee)));
        assertEquals(3, cache.validations(), "the same set in another order is the same set");
    }

    @Test
    void anotherChainToTheSameEndEntityIsValidatedItself() throws Exception {
        PkixResultCache cache = PkixResultCache.withDefaults();
        CertificateValidator v = new CertificateValidator(ANCHORS, OwnCertificates.NONE, Clock.systemUTC(), cache);
        X509Certificate ee = peerCert(SUB, "peer.example");
        ok(v.validate(PEER, cert(ee, SUB.certificate())));
        // same subject DN as SUB, another key: it names ee's issuer but did not sign ee
        TestCa impostor =
                ROOT.intermediate(SUB.certificate().getSubjectX500Principal().getName());
        fails(AuthFailure.CERTIFICATE_UNTRUSTED, v.validate(PEER, cert(ee, impostor.certificate())));
        assertEquals(2, cache.validations());
        ok(v.validate(PEER, cert(ee, SUB.certificate())));
        assertEquals(2, cache.validations());
    }

    @Test
    void boundEvictsTheLeastRecentlyUsed() throws Exception {
        PkixResultCache cache = new PkixResultCache(2, Duration.ofMinutes(10));
        CertificateValidator v = new CertificateValidator(ANCHORS, OwnCertificates.NONE, Clock.systemUTC(), cache);
        X509Certificate a = peerCert(ROOT, "peer.example");
        X509Certificate b = peerCert(ROOT, "peer.example");
        X509Certificate c = peerCert(ROOT, "peer.example");
        ok(v.validate(PEER, cert(a)));
        ok(v.validate(PEER, cert(b)));
        ok(v.validate(PEER, cert(a))); // a is now more recent than b
        ok(v.validate(PEER, cert(c)));
        assertEquals(2, cache.size());
        assertEquals(3, cache.validations());
        ok(v.validate(PEER, cert(a)));
        ok(v.validate(PEER, cert(c)));
        assertEquals(3, cache.validations(), "a and c stayed");
        ok(v.validate(PEER, cert(b)));
        assertEquals(4, cache.validations(), "b was evicted");
        assertEquals(2, cache.size());
    }

    @Test
    void capacityZeroRemembersNothing() throws Exception {
        PkixResultCache cache = new PkixResultCache(0, Duration.ofMinutes(10));
        CertificateValidator v = new CertificateValidator(ANCHORS, OwnCertificates.NONE, Clock.systemUTC(), cache);
        X509Certificate ee = peerCert(ROOT, "peer.example");
        ok(v.validate(PEER, cert(ee)));
        ok(v.validate(PEER, cert(ee)));
        assertEquals(2, cache.validations());
        assertEquals(0, cache.size());
    }
}
