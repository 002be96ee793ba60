package io.ikeseal.testhsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCaTest {
    @TempDir
    Path dir;

    @Test
    void issuesEndEntityCertificatesWithSansAndKeyIds() throws Exception {
        TestCa ca = TestCa.create("CN=unit CA");
        var kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X509Certificate c = ca.issue(
                kp.getPublic(),
                "CN=gw,O=ikeseal",
                List.of("gw.example", "dns:alt.example", "ops@example.org", "192.0.2.9", "ip:2001:db8::1"),
                Duration.ofDays(2));
        assertEquals(-1, c.getBasicConstraints());
        assertTrue(c.getKeyUsage()[0], "digitalSignature");
        assertNotNull(c.getExtensionValue("2.5.29.14"), "SKI");
        assertNotNull(c.getExtensionValue("2.5.29.35"), "AKI");
        Set<String> sans = c.getSubjectAlternativeNames().stream()
                .map(l -> l.get(0) + "=" + l.get(1))
                .collect(Collectors.toSet());
        assertEquals(
                Set.of("2=gw.example", "2=alt.example", "1=ops@example.org", "7=192.0.2.9", "7=2001:db8:0:0:0:0:0:1"),
                sans);
        assertEquals("CN=gw,O=ikeseal", c.getSubjectX500Principal().getName());
        Chains.verify(List.of(c, ca.certificate()), ca);
        assertTrue(ca.certificate().getBasicConstraints() >= 0);
    }

    @Test
    void intermediateCaIssuesLeavesThatChainToTheRoot() throws Exception {
        TestCa root = TestCa.create("CN=unit root");
        TestCa sub = root.intermediate("CN=unit sub,O=ikeseal");
        assertTrue(sub.certificate().getBasicConstraints() >= 0, "a CA");
        assertEquals(
                root.certificate().getSubjectX500Principal(), sub.certificate().getIssuerX500Principal());
        var kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X509Certificate leaf = sub.issue(kp.getPublic(), "CN=leaf", List.of("leaf.example"));
        Chains.verify(List.of(leaf, sub.certificate(), root.certificate()), root);
    }

    @Test
    void explicitValidityWindowAndKeyUsage() throws Exception {
        TestCa ca = TestCa.create("CN=window CA");
        var kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Instant from = Instant.parse("2020-01-01T00:00:00Z");
        Instant to = Instant.parse("2020-02-01T00:00:00Z");
        X509Certificate c = ca.issue(kp.getPublic(), "CN=old", List.of(), from, to, KeyUsage.keyEncipherment);
        assertEquals(from, c.getNotBefore().toInstant());
        assertEquals(to, c.getNotAfter().toInstant());
        assertEquals(false, c.getKeyUsage()[0], "no digitalSignature");
        assertTrue(c.getKeyUsage()[2], "keyEncipherment");
        X509Certificate none = ca.issue(kp.getPublic(), "CN=no-ku", List.of(), from, to, 0);
        assertEquals(null, none.getKeyUsage(), "no key usage extension");
    }

    @Test
    void writesPemThatParsesBack() throws Exception {
        TestCa ca = TestCa.create("CN=pem CA");
        Path pem = ca.writePem(dir.resolve("ca.pem"));
        try (var in = Files.newInputStream(pem)) {
            assertEquals(
                    ca.certificate(), CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }
}
