package io.ikeseal.agent.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.ikeseal.agent.wire.CertificateRequestPayload;

/**
 * The CA certificates a peer's certificate must chain to, configured per peer (or gateway-wide). They also make our
 * CERTREQ: RFC 7296 §3.7 names each trusted CA by the SHA-1 hash of its SubjectPublicKeyInfo (the whole DER
 * structure, not the subjectKeyIdentifier, which RFC 5280 §4.2.1.2 method 1 computes over the key's BIT STRING only).
 */
public final class TrustAnchors {
    private final List<X509Certificate> certificates;
    private final Set<TrustAnchor> pkix;
    private final byte[] fingerprint;

    private TrustAnchors(List<X509Certificate> certificates) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("no trust anchors: a peer certificate could chain to nothing");
        }
        this.certificates = List.copyOf(new LinkedHashSet<>(certificates));
        Set<TrustAnchor> anchors = new LinkedHashSet<>();
        for (X509Certificate c : this.certificates) {
            anchors.add(new TrustAnchor(c, null));
        }
        this.pkix = Set.copyOf(anchors);
        this.fingerprint = fingerprint(this.certificates);
    }

    /** SHA-256 over the anchors' DER encodings in a fixed (sorted) order: the same set gives the same octets. */
    private static byte[] fingerprint(List<X509Certificate> certificates) {
        try {
            List<byte[]> ders = new ArrayList<>();
            for (X509Certificate c : certificates) {
                ders.add(c.getEncoded());
            }
            ders.sort(Arrays::compareUnsigned);
            MessageDigest d = MessageDigest.getInstance("SHA-256", "SUN");
            for (byte[] der : ders) {
                d.update(ByteBuffer.allocate(4).putInt(der.length).array());
                d.update(der);
            }
            return d.digest();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("trust anchor cannot be encoded: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    public static TrustAnchors of(Collection<X509Certificate> certificates) {
        return new TrustAnchors(List.copyOf(certificates));
    }

    /** Every certificate of a PEM (or DER) file. */
    public static TrustAnchors load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return of(CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList());
        } catch (IOException | CertificateException | IllegalArgumentException e) {
            throw new IllegalArgumentException("trust anchors " + file + ": " + e.getMessage(), e);
        }
    }

    public List<X509Certificate> certificates() {
        return certificates;
    }

    Set<TrustAnchor> pkix() {
        return pkix;
    }

    /** Identifies this anchor set (PkixResultCache keys its entries with it); a copy. */
    byte[] fingerprint() {
        return fingerprint.clone();
    }

    boolean isAnchor(X509Certificate c) {
        return certificates.contains(c);
    }

    /** CERTREQ naming every anchor (encoding 4, X.509 Certificate - Signature). */
    public CertificateRequestPayload certificateRequest() {
        return CertificateRequestPayload.x509(
                certificates.stream().map(TrustAnchors::keyHash).toList());
    }

    /** SHA-1 of the certificate's DER SubjectPublicKeyInfo (RFC 7296 §3.7). */
    static byte[] keyHash(X509Certificate c) {
        try {
            return MessageDigest.getInstance("SHA-1", "SUN")
                    .digest(c.getPublicKey().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without SHA-1", e);
        }
    }
}
