package io.ikeseal.agent.cli;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ikeseal.hsm.audit.AuditContext;
import io.ikeseal.hsm.psk.PresharedKeys;
import io.ikeseal.hsm.schedule.KeySchedule;
import io.ikeseal.hsm.schedule.Prf;
import io.ikeseal.hsm.sign.AuthMethod;
import io.ikeseal.hsm.sign.KeyType;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.hsm.sign.SignatureVerifier;
import io.ikeseal.hsm.sign.TokenIdentity;
import io.ikeseal.hsm.sign.TokenSigner;
import io.ikeseal.hsm.token.SealedKey;
import io.ikeseal.hsm.token.Token;

import static io.ikeseal.hsm.token.Token.await;

/** The demo's two AUTH computations (RFC 7296 §2.15) and their checks. */
final class DemoAuth {
    record Outcome(String scheme, boolean verified, boolean chainValid, String chain) {
    }

    private DemoAuth() {
    }

    /** Signs in the identity token (RFC 7427 scheme for the key), verifies in software and checks the chain. */
    static Outcome signAndVerify(Token identityToken, String keyRef, byte[] octets, Path caPem, AuditContext ctx)
            throws Exception {
        TokenIdentity id = await(TokenIdentity.lookup(identityToken, keyRef, ctx));
        SignatureScheme scheme = SignatureScheme.select(id.keyType(), Set.of(io.ikeseal.hsm.sign.HashAlgorithm.values()),
                id.keyType() == KeyType.RSA);
        byte[] auth = await(TokenSigner.sign(id, scheme, octets, ctx));
        X509Certificate leaf = id.chain()[0];
        boolean verified = SignatureVerifier.verify(scheme.method(), leaf.getPublicKey(), octets, auth);
        String chain;
        boolean chainValid;
        try {
            validate(leaf, caPem);
            chainValid = true;
            chain = leaf.getSubjectX500Principal().getName() + " chains to " + caPem.getFileName();
        } catch (Exception e) {
            chainValid = false;
            chain = "DOES NOT CHAIN to " + caPem.getFileName() + ": " + e.getMessage();
        }
        return new Outcome(scheme.name(), verified, chainValid, chain);
    }

    /** The FQDN in the identity's certificate (its first dNSName), used as its IDi. */
    static String subjectName(Token identityToken, String keyRef) throws Exception {
        X509Certificate leaf = await(TokenIdentity.lookup(identityToken, keyRef, AuditContext.NONE)).chain()[0];
        if (leaf.getSubjectAlternativeNames() != null) {
            for (List<?> san : leaf.getSubjectAlternativeNames()) {
                if (Integer.valueOf(2).equals(san.get(0))) {
                    return (String) san.get(1);
                }
            }
        }
        return leaf.getSubjectX500Principal().getName();
    }

    private static void validate(X509Certificate leaf, Path caPem) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate ca;
        try (InputStream in = Files.newInputStream(caPem)) {
            ca = (X509Certificate) cf.generateCertificate(in);
        }
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(leaf)), params);
    }

    /** AUTH = prf(prf(PSK, "Key Pad for IKEv2"), octets), both PRFs run in the key-exchange token. */
    static byte[] pskAuth(Token hsm, Prf prf, String name, byte[] octets, AuditContext ctx) {
        SealedKey pad = await(new PresharedKeys(hsm).keyPad(prf, name, ctx));
        try {
            return await(KeySchedule.forToken(hsm).prf(prf, pad, octets, ctx));
        } finally {
            pad.destroy();
        }
    }

    /** What a software peer holding the PSK computes. */
    static byte[] softwarePskAuth(Prf prf, byte[] psk, byte[] octets) throws Exception {
        byte[] pad = hostPrf(prf, psk, "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII));
        try {
            return hostPrf(prf, pad, octets);
        } finally {
            Arrays.fill(pad, (byte) 0);
            Arrays.fill(psk, (byte) 0);
        }
    }

    /** prf on the host, for keys the tier puts there (SK_pi/SK_pr: RFC 7296 §2.15 MACedIDFor*). */
    static byte[] hostPrf(Prf prf, byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance(prf.macAlgorithm());
        mac.init(new SecretKeySpec(key, prf.macAlgorithm()));
        return mac.doFinal(data);
    }
}
