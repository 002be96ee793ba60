package io.ikeseal.agent.exchange;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.ikeseal.hsm.api.AuditContext;
import io.ikeseal.hsm.sign.AuthMethod;
import io.ikeseal.hsm.sign.AuthSigner;
import io.ikeseal.hsm.sign.KeyType;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.testhsm.TestCa;

/**
 * An AUTH key in host memory with a certificate from the shared test CA, FOR EXCHANGE UNIT TESTS ONLY: signs
 * RFC 7427 Authentication Data (method 14) with SunEC. Integration tests sign in real identity tokens.
 */
final class SoftwareSigner implements AuthSigner {
    private final KeyPair pair;
    private final X509Certificate certificate;
    private final AtomicInteger signatures = new AtomicInteger();

    /** A P-256 key certified for the DNS name {@code fqdn}. */
    SoftwareSigner(String fqdn) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            pair = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        certificate = TestCa.shared().issue(pair.getPublic(), "CN=" + fqdn, List.of("dns:" + fqdn));
    }

    int signatures() {
        return signatures.get();
    }

    @Override
    public String alias() {
        return "in-memory " + certificate.getSubjectX500Principal().getName();
    }

    @Override
    public KeyType keyType() {
        return KeyType.EC_P256;
    }

    @Override
    public X509Certificate[] chain() {
        return new X509Certificate[] {certificate};
    }

    @Override
    public CompletableFuture<byte[]> sign(SignatureScheme scheme, byte[] octets, AuditContext ctx) {
        signatures.incrementAndGet();
        if (scheme.method() != AuthMethod.DIGITAL_SIGNATURE) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("only RFC 7427 here, not " + scheme));
        }
        try {
            Signature s = Signature.getInstance(scheme.jcaSignatureName(), "SunEC");
            s.initSign(pair.getPrivate());
            s.update(octets);
            byte[] sig = s.sign();
            byte[] algId = scheme.algorithmIdentifier();
            byte[] out = new byte[1 + algId.length + sig.length];
            out[0] = (byte) algId.length;
            System.arraycopy(algId, 0, out, 1, algId.length);
            System.arraycopy(sig, 0, out, 1 + algId.length, sig.length);
            return CompletableFuture.completedFuture(out);
        } catch (GeneralSecurityException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
