package io.ikeseal.agent.auth;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ikeseal.agent.wire.CertificatePayload;
import io.ikeseal.hsm.api.ResidencyTier;
import io.ikeseal.hsm.audit.HashChainedAuditLog;
import io.ikeseal.hsm.sign.AuthMethod;
import io.ikeseal.hsm.sign.EcdsaCalibration;
import io.ikeseal.hsm.sign.KeyType;
import io.ikeseal.hsm.sign.SignatureScheme;
import io.ikeseal.hsm.sign.SignatureVerifier;
import io.ikeseal.hsm.sign.TokenEcdsa;
import io.ikeseal.hsm.startup.TokenStartup;
import io.ikeseal.hsm.token.PinSource;
import io.ikeseal.hsm.token.SlotSelector;
import io.ikeseal.hsm.token.Token;
import io.ikeseal.hsm.token.TokenRole;
import io.ikeseal.hsm.token.TokenSpec;
import io.ikeseal.testhsm.SoftHsmToken;
import io.ikeseal.testhsm.TestCa;

/**
 * Host CPU per handshake for checking a peer's certificate AUTH: PKIX validation of a two-certificate chain
 * (end-entity + intermediate, ECDSA P-256 throughout) plus the AUTH signature (method 14, ecdsa-with-SHA256), as
 * PeerAuthenticator does it. "before" is what ikeseal did until issue 12 (every path validated, SunEC verifies);
 * "after" the PKIX result cache with the host's BouncyCastle ECDSA, and with a SoftHSM token's C_Verify. Per
 * thread CPU time, so a busy machine disturbs it less. Run with {@code scripts/bench-verify}.
 */
public final class PeerCheckCost {
    private PeerCheckCost() {}

    private interface Check {
        boolean run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        TestCa root = TestCa.create("CN=bench root");
        TestCa sub = root.intermediate("CN=bench sub CA");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair peerKey = g.generateKeyPair();
        X509Certificate ee = sub.issue(peerKey.getPublic(), "CN=peer", List.of("peer.example"));
        List<CertificatePayload> payloads = List.of(
                new CertificatePayload(CertificatePayload.X509_SIGNATURE, ee.getEncoded()),
                new CertificatePayload(
                        CertificatePayload.X509_SIGNATURE, sub.certificate().getEncoded()));
        TrustAnchors anchors = TrustAnchors.of(List.of(root.certificate()));
        IkeIdentity peer = IkeIdentity.parse("peer.example");
        byte[] octets = new byte[700];
        Signature s = Signature.getInstance("SHA256withECDSA", "SunEC");
        s.initSign(peerKey.getPrivate());
        s.update(octets);
        byte[] der = s.sign();
        byte[] algId = SignatureScheme.ECDSA_SHA256.algorithmIdentifier();
        byte[] auth = new byte[1 + algId.length + der.length];
        auth[0] = (byte) algId.length;
        System.arraycopy(algId, 0, auth, 1, algId.length);
        System.arraycopy(der, 0, auth, 1 + algId.length, der.length);

        CertificateValidator uncached = new CertificateValidator(
                anchors, OwnCertificates.NONE, Clock.systemUTC(), new PkixResultCache(0, Duration.ZERO));
        Check before = () -> {
            AuthOutcome o = uncached.validate(peer, payloads);
            Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
            v.initVerify(o.certificate().getPublicKey());
            v.update(octets);
            return o.authenticated() && v.verify(der);
        };
        System.out.printf("%-52s %10s %12s%n", "peer certificate + AUTH check", "per cpu-s", "us per SA");
        report("before: PKIX every SA, SunEC", seconds, before);
        report(
                "PKIX every SA only",
                seconds,
                () -> uncached.validate(peer, payloads).authenticated());
        CertificateValidator cachedHost = new CertificateValidator(anchors, OwnCertificates.NONE, Clock.systemUTC());
        report(
                "after: PKIX cached, host ECDSA (BouncyCastle)",
                seconds,
                () -> check(cachedHost, peer, payloads, octets, auth));

        Path dir = Files.createTempDirectory("peer-check-cost");
        try (SoftHsmToken hsm = SoftHsmToken.create(dir, "bench");
                HashChainedAuditLog audit = HashChainedAuditLog.open(dir.resolve("audit.log"));
                Token token = TokenStartup.open(
                        new TokenSpec(
                                "softhsm-bench",
                                hsm.library(),
                                SlotSelector.byLabel(hsm.label()),
                                PinSource.file(hsm.pinFile()),
                                null,
                                Map.of(),
                                Set.of(TokenRole.IDENTITY),
                                ResidencyTier.SEALED,
                                2),
                        audit)) {
            CertificateValidator cachedToken = new CertificateValidator(
                    anchors,
                    OwnCertificates.NONE,
                    Clock.systemUTC(),
                    PkixResultCache.withDefaults(),
                    SignatureVerifier.using(
                            new TokenEcdsa(token, Set.of(KeyType.EC_P256), TokenEcdsa.DEFAULT_CAPACITY)));
            report(
                    "after: PKIX cached, SoftHSM C_Verify",
                    seconds,
                    () -> check(cachedToken, peer, payloads, octets, auth));
            System.out.println("calibration would choose: "
                    + EcdsaCalibration.choose(List.of(token)).engine(KeyType.EC_P256));
        }
    }

    private static boolean check(
            CertificateValidator v, IkeIdentity peer, List<CertificatePayload> payloads, byte[] octets, byte[] auth) {
        AuthOutcome o = v.validate(peer, payloads);
        return o.authenticated()
                && v.signatures()
                        .checkAuth(AuthMethod.DIGITAL_SIGNATURE, o.certificate().getPublicKey(), octets, auth)
                        .valid();
    }

    private static void report(String what, double seconds, Check c) throws Exception {
        long warm = System.nanoTime() + (long) (5 * seconds * 1e9);
        for (int i = 0; i < 3_000 && System.nanoTime() < warm; i++) {
            c.run();
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long cpu0 = mx.getCurrentThreadCpuTime();
        int n = 0;
        while (System.nanoTime() < end) {
            if (!c.run()) {
                throw new IllegalStateException(what + ": did not authenticate");
            }
            n++;
        }
        double cpuSeconds = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf("%-52s %10.0f %12.1f%n", what, n / cpuSeconds, cpuSeconds * 1e6 / n);
    }
}
