package io.ikeseal.testhsm;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/** PKIX validation of a leaf against a test CA, as a relying peer would do it. */
final class Chains {
    private Chains() {}

    static void verify(List<X509Certificate> chain, TestCa ca) throws GeneralSecurityException {
        var path = CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, chain.size() - 1));
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }
}
