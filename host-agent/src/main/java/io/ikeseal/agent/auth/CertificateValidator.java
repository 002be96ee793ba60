package io.ikeseal.agent.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.hsm.sign.KeyType;
import io.ikeseal.hsm.sign.SignatureVerifier;

/**
 * Checks a peer's CERT payloads (RFC 7296 §3.6: the end-entity certificate first, then intermediates in any order)
 * before its AUTH signature is believed: X.509 only (encoding 4; others, hash-and-URL included, are ignored and never
 * dereferenced), at most {@value #MAX_CERTIFICATES}, each exactly one DER certificate; none of our own; a PKIX path
 * (JDK CertPathValidator) from the end-entity certificate to a configured anchor, valid now; key usage, if present,
 * with digitalSignature; and the peer's ID named in the end-entity certificate ({@link IkeIdentity#isNamedIn}).
 *
 * <p>Revocation checking is off and no certificate store is configured, so validation reads nothing but the
 * payloads: no CRL, OCSP or AIA fetch is ever made for a certificate, trusted or not (CVE-2022-40617). The JDK's
 * jdk.certpath.disabledAlgorithms still applies (e.g. no MD5 signatures, no RSA keys under 1024 bits).
 *
 * <p>A path that validated is remembered ({@link PkixResultCache}) and not validated again until its entry expires.
 */
public final class CertificateValidator {
    static final int MAX_CERTIFICATES = 8;

    private final TrustAnchors anchors;
    private final OwnCertificates own;
    private final Clock clock;
    private final PkixResultCache cache;
    private final SignatureVerifier signatures;

    /**
     * @param cache      successful path validations to reuse; may be shared by validators of other anchor sets (its
     *                   keys include the anchors)
     * @param signatures what then verifies AUTH with the validated certificate's key ({@link #signatures()})
     */
    public CertificateValidator(
            TrustAnchors anchors,
            OwnCertificates own,
            Clock clock,
            PkixResultCache cache,
            SignatureVerifier signatures) {
        this.anchors = anchors;
        this.own = own;
        this.clock = clock;
        this.cache = cache;
        this.signatures = signatures;
    }

    public CertificateValidator(TrustAnchors anchors, OwnCertificates own, Clock clock, PkixResultCache cache) {
        this(anchors, own, clock, cache, SignatureVerifier.HOST);
    }

    public CertificateValidator(TrustAnchors anchors, OwnCertificates own, Clock clock) {
        this(anchors, own, clock, PkixResultCache.withDefaults());
    }

    public CertificateValidator(TrustAnchors anchors, OwnCertificates own) {
        this(anchors, own, Clock.systemUTC());
    }

    /** How AUTH signatures by the keys this validator accepted are verified (who does the arithmetic). */
    public SignatureVerifier signatures() {
        return signatures;
    }

    /** The outcome carries the validated end-entity certificate, whose key then verifies AUTH. */
    public AuthOutcome validate(IkeIdentity peer, List<CertificatePayload> payloads) {
        List<byte[]> ders = payloads.stream()
                .filter(p -> p.encoding() == CertificatePayload.X509_SIGNATURE)
                .map(CertificatePayload::data)
                .toList();
        if (ders.isEmpty()) {
            return AuthOutcome.failed(
                    peer,
                    AuthFailure.NO_CERTIFICATE,
                    "no X.509 CERT payload (encoding 4) among " + payloads.size() + " CERT payloads");
        }
        if (ders.size() > MAX_CERTIFICATES) {
            return AuthOutcome.failed(
                    peer,
                    AuthFailure.CERTIFICATE_MALFORMED,
                    ders.size() + " certificates, more than the " + MAX_CERTIFICATES + " a path here may have");
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (int i = 0; i < ders.size(); i++) {
            X509Certificate c = parse(ders.get(i));
            if (c == null) {
                return AuthOutcome.failed(
                        peer,
                        AuthFailure.CERTIFICATE_MALFORMED,
                        "CERT payload " + (i + 1) + " is not exactly one DER X.509 certificate");
            }
            if (own.isOurs(c)) {
                return AuthOutcome.failed(
                        peer,
                        AuthFailure.OWN_CERTIFICATE,
                        "CERT payload " + (i + 1) + " is our own " + "certificate (or certifies our key): "
                                + describe(c));
            }
            certs.add(c);
        }
        X509Certificate ee = certs.getFirst();
        if (KeyType.of(ee.getPublicKey()).isEmpty()) {
            return AuthOutcome.failed(
                    peer,
                    AuthFailure.CERTIFICATE_KEY_TYPE,
                    describe(ee) + " has a " + ee.getPublicKey().getAlgorithm()
                            + " key; IKE_AUTH verifies EC P-256/P-384/P-521 and RSA");
        }
        List<X509Certificate> path = path(ee, certs.subList(1, certs.size()));
        // the path is what PKIX would see; own-certificate, key usage and ID checks stay outside the cache
        Instant now = clock.instant();
        AuthOutcome pkix = cache.validate(anchors, path, now, () -> pkix(peer, path, now));
        if (pkix != null) {
            return pkix;
        }
        boolean[] usage = ee.getKeyUsage();
        if (usage != null && !usage[0]) {
            return AuthOutcome.failed(
                    peer,
                    AuthFailure.CERTIFICATE_KEY_USAGE,
                    describe(ee) + " has key usage without digitalSignature (RFC 5280 §4.2.1.3)");
        }
        if (!peer.isNamedIn(ee)) {
            return AuthOutcome.failed(
                    peer,
                    AuthFailure.CERTIFICATE_ID_MISMATCH,
                    "ID " + peer + " is not in " + describe(ee) + ", which names " + IkeIdentity.ofCertificate(ee));
        }
        return AuthOutcome.ok(peer, describe(ee) + ", path of " + path.size() + " to a trust anchor", ee);
    }

    /** One DER certificate and nothing else, or null. */
    private static X509Certificate parse(byte[] der) {
        if (der.length == 0 || der[0] != 0x30) {
            return null; // CertificateFactory would also accept PEM text
        }
        try {
            X509Certificate c = (X509Certificate)
                    CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
            return Arrays.equals(OwnCertificates.encoded(c), der) ? c : null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The end-entity certificate followed by the intermediates that link it towards an anchor, issuer by issuer
     * (§3.6 leaves their order open); certificates that are anchors themselves and ones that link nowhere are left
     * out.
     */
    private List<X509Certificate> path(X509Certificate ee, List<X509Certificate> intermediates) {
        List<X509Certificate> rest = new ArrayList<>(intermediates);
        rest.removeIf(anchors::isAnchor);
        List<X509Certificate> path = new ArrayList<>(List.of(ee));
        while (!rest.isEmpty() && anchors.certificates().stream().noneMatch(a -> issues(a, path.getLast()))) {
            X509Certificate last = path.getLast();
            Optional<X509Certificate> issuer =
                    rest.stream().filter(c -> issues(c, last)).findFirst();
            if (issuer.isEmpty()) {
                break;
            }
            rest.remove(issuer.get());
            path.add(issuer.get());
        }
        return path;
    }

    private static boolean issues(X509Certificate issuer, X509Certificate subject) {
        return issuer.getSubjectX500Principal().equals(subject.getIssuerX500Principal());
    }

    /** Null if the path validates now, else why not. */
    private AuthOutcome pkix(IkeIdentity peer, List<X509Certificate> path, Instant now) {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors.pkix());
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX", "SUN").validate(certPath, params);
            return null;
        } catch (CertPathValidatorException e) {
            // no index: the path as a whole, which failed where it should meet an anchor
            X509Certificate at =
                    path.get(e.getIndex() >= 0 && e.getIndex() < path.size() ? e.getIndex() : path.size() - 1);
            String which = describe(at);
            if (e.getReason() == BasicReason.EXPIRED) {
                return AuthOutcome.failed(
                        peer,
                        AuthFailure.CERTIFICATE_EXPIRED,
                        which + " expired " + at.getNotAfter().toInstant());
            }
            if (e.getReason() == BasicReason.NOT_YET_VALID) {
                return AuthOutcome.failed(
                        peer,
                        AuthFailure.CERTIFICATE_NOT_YET_VALID,
                        which + " is valid from " + at.getNotBefore().toInstant());
            }
            return AuthOutcome.failed(peer, AuthFailure.CERTIFICATE_UNTRUSTED, which + ": " + e.getMessage());
        } catch (GeneralSecurityException | RuntimeException e) {
            // a peer's certificate must not be able to throw past here (RFC 7296 §2.21.2: AUTHENTICATION_FAILED)
            return AuthOutcome.failed(
                    peer,
                    AuthFailure.CERTIFICATE_UNTRUSTED,
                    "path validation failed: " + e.getClass().getSimpleName());
        }
    }

    /** Subject and issuer in strongSwan's DN form; nothing else of the certificate. */
    static String describe(X509Certificate c) {
        return "certificate \"" + IkeIdentity.dn(c.getSubjectX500Principal()) + "\" issued by \""
                + IkeIdentity.dn(c.getIssuerX500Principal()) + "\"";
    }
}
