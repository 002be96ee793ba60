package io.ikeseal.testhsm.strongswan;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;

import io.ikeseal.testhsm.IdentitySpec;
import io.ikeseal.testhsm.TestCa;

/**
 * charon's own signing key, generated in software (charon is the peer, not what we protect),
 * with a certificate from a {@link TestCa}. {@link Charon#install(CharonIdentity)} writes both
 * into the swanctl directory.
 */
public final class CharonIdentity {
    private final IdentitySpec spec;
    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private CharonIdentity(IdentitySpec spec, KeyPair keyPair, X509Certificate certificate) {
        this.spec = spec;
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** A fresh key of spec.kind() and a certificate for spec.subjectDn() and spec.sans() issued by ca. */
    public static CharonIdentity generate(IdentitySpec spec, TestCa ca) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(spec.kind().algorithm());
            g.initialize(spec.kind().spec());
            KeyPair kp = g.generateKeyPair();
            return new CharonIdentity(spec, kp, ca.issue(kp.getPublic(), spec.subjectDn(), spec.sans()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a " + spec.kind() + " key for " + spec.alias(), e);
        }
    }

    public String alias() {
        return spec.alias();
    }

    public IdentitySpec spec() {
        return spec;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** The name install() gives the certificate in x509/ (and the key in private/). */
    public String fileName() {
        return alias() + ".pem";
    }

    public String certificatePem() {
        try {
            return TestCa.pem(certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the certificate of " + alias(), e);
        }
    }

    /** PKCS#8 PEM ("BEGIN PRIVATE KEY"), which charon's pkcs8 plugin reads for RSA and EC alike. */
    public String privateKeyPem() {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keyPair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }
}
