package io.ikeseal.testhsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for tests and {@code setup-demo}: an EC P-256 root whose
 * key is an ordinary software key (it signs test certificates, it is not a secret we protect).
 */
public final class TestCa {
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    private static final Duration BACKDATE = Duration.ofHours(1); // tolerate clock skew between peers
    private static final SecureRandom RANDOM = new SecureRandom();
    private static volatile TestCa shared;

    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private TestCa(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** A new self-signed root with the given RFC 2253 DN, valid ten years. */
    public static TestCa create(String dn) {
        KeyPair kp = newKeyPair();
        try {
            X500Name name = x500(dn);
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    name,
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(Duration.ofDays(3650))),
                    name,
                    kp.getPublic());
            addCaExtensions(b, kp.getPublic());
            return new TestCa(kp, sign(b, kp.getPrivate()));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create test CA " + dn, e);
        }
    }

    /** A CA certificate issued by this CA for a new key: an intermediate CA, valid as long as the default. */
    public TestCa intermediate(String dn) {
        KeyPair kp = newKeyPair();
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    certificate,
                    serial(),
                    Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(DEFAULT_VALIDITY)),
                    new X500Principal(dn),
                    kp.getPublic());
            addCaExtensions(b, kp.getPublic());
            b.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            return new TestCa(kp, sign(b, keyPair.getPrivate()));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create intermediate CA " + dn, e);
        }
    }

    private static void addCaExtensions(X509v3CertificateBuilder b, PublicKey key)
            throws CertIOException, GeneralSecurityException {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(
                Extension.subjectKeyIdentifier, false, new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key));
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK without EC P-256", e);
        }
    }

    /** One process-wide CA, so fixtures in different test classes chain to the same root. */
    public static TestCa shared() {
        TestCa ca = shared;
        if (ca == null) {
            synchronized (TestCa.class) {
                if (shared == null) {
                    shared = create("CN=ikeseal test CA,O=ikeseal");
                }
                ca = shared;
            }
        }
        return ca;
    }

    /** An end-entity certificate: CA=false, digitalSignature, SKI/AKI, and the SANs if any. */
    public X509Certificate issue(PublicKey subjectKey, String subjectDn, List<String> sans, Duration validity) {
        Instant now = Instant.now();
        return issue(subjectKey, subjectDn, sans, now.minus(BACKDATE), now.plus(validity), KeyUsage.digitalSignature);
    }

    /**
     * An end-entity certificate valid from {@code notBefore} to {@code notAfter} (either may lie in the past or
     * the future) with the given key usage bits (BouncyCastle {@link KeyUsage} constants; 0 leaves the
     * extension out), for tests of expired certificates and wrong key usage.
     */
    public X509Certificate issue(
            PublicKey subjectKey,
            String subjectDn,
            List<String> sans,
            Instant notBefore,
            Instant notAfter,
            int keyUsage) {
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    certificate,
                    serial(),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    new X500Principal(subjectDn),
                    subjectKey);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            if (keyUsage != 0) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false, SubjectAltNames.of(sans));
            }
            return sign(b, keyPair.getPrivate());
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subjectDn, e);
        }
    }

    public X509Certificate issue(PublicKey subjectKey, String subjectDn, List<String> sans) {
        return issue(subjectKey, subjectDn, sans, DEFAULT_VALIDITY);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes the CA certificate as PEM (for a peer's trust store, e.g. strongSwan's x509ca/). */
    public Path writePem(Path file) {
        try {
            Files.writeString(file, pem(certificate), StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the CA certificate", e);
        }
    }

    /** PEM text of any certificate. */
    public static String pem(X509Certificate cert) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        var signer = new JcaContentSignerBuilder("SHA256withECDSA")
                .setProvider("SunEC")
                .build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static X500Name x500(String dn) {
        return X500Name.getInstance(new X500Principal(dn).getEncoded());
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
