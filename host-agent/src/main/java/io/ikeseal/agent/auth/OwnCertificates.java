package io.ikeseal.agent.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.agent.wire.CertificateRequestPayload;
import io.ikeseal.hsm.sign.AuthSigner;

/**
 * Our identities' certificates: what we send as CERT (RFC 7296 §3.6) and what a peer must never present as its own.
 * A peer that replays our certificate (or another one for our key) could otherwise pass as us wherever we trust our
 * own CA, and with it reflect our own AUTH; so such a certificate is refused even though it chains. Only our
 * end-entity certificates count: a peer issued by the same intermediate CA sends that CA certificate legitimately.
 */
public final class OwnCertificates {
    public static final OwnCertificates NONE = new OwnCertificates(List.of());

    private final Set<String> certificates = new HashSet<>();
    private final Set<String> publicKeys = new HashSet<>();

    private OwnCertificates(Collection<X509Certificate> ours) {
        for (X509Certificate c : ours) {
            certificates.add(fingerprint(encoded(c)));
            publicKeys.add(fingerprint(c.getPublicKey().getEncoded()));
        }
    }

    /** The end-entity certificates of all our identities. */
    public static OwnCertificates of(Collection<? extends AuthSigner> identities) {
        return new OwnCertificates(
                identities.stream().map(AuthSigner::certificate).toList());
    }

    public static OwnCertificates ofCertificates(Collection<X509Certificate> certificates) {
        return new OwnCertificates(List.copyOf(certificates));
    }

    /** Whether {@code c} is one of our certificates, or certifies one of our public keys. */
    public boolean isOurs(X509Certificate c) {
        return certificates.contains(fingerprint(encoded(c)))
                || publicKeys.contains(fingerprint(c.getPublicKey().getEncoded()));
    }

    /**
     * Our CERT payloads for {@code identity}: its end-entity certificate first (its key verifies our AUTH, §3.6), then
     * the intermediate CA certificates of its chain; self-signed roots are left out, the peer has its own anchors.
     */
    public static List<CertificatePayload> payloads(AuthSigner identity) {
        List<CertificatePayload> out = new ArrayList<>();
        X509Certificate[] chain = identity.chain();
        for (int i = 0; i < chain.length; i++) {
            if (i == 0 || !selfSigned(chain[i])) {
                out.add(new CertificatePayload(CertificatePayload.X509_SIGNATURE, encoded(chain[i])));
            }
        }
        return out;
    }

    /** Whether the peer asked for X.509 certificates at all (any CERTREQ with encoding 4, even an empty one). */
    public static boolean requested(List<CertificateRequestPayload> requests) {
        return requests.stream().anyMatch(r -> r.encoding() == CertificatePayload.X509_SIGNATURE);
    }

    /** Whether a CERTREQ names a CA certificate of {@code identity}'s chain by its key hash (RFC 7296 §3.7). */
    public static boolean namesCaOf(List<CertificateRequestPayload> requests, AuthSigner identity) {
        X509Certificate[] chain = identity.chain();
        for (CertificateRequestPayload r : requests) {
            if (r.encoding() != CertificatePayload.X509_SIGNATURE) {
                continue;
            }
            for (byte[] hash : r.authorityHashes()) {
                for (int i = 1; i < chain.length; i++) {
                    if (MessageDigest.isEqual(hash, TrustAnchors.keyHash(chain[i]))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate has no encoding", e);
        }
    }

    private static String fingerprint(byte[] der) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256", "SUN").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
