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
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCaTest {
    @TempDir
    Path dir;

    @Test
    void issuesEndEntityCertificatesWithSansAndKeyIds() throws Exception {
        TestCa ca = TestCa.create("CN=unit CA");
        var kp = KeyPairGenerator.getInstance("EC").generateKeyPair();
        X509Certificate c = ca.issue(kp.getPublic(), "CN=gw,O=ikeseal",
                List.of("gw.example", "dns:alt.example", "ops@example.org", "192.0.2.9", "ip:2001:db8::1"),
                Duration.ofDays(2));
        assertEquals(-1, c.getBasicConstraints());
        assertTrue(c.getKeyUsage()[0], "digitalSignature");
        assertNotNull(c.getExtensionValue("2.5.29.14"), "SKI");
        assertNotNull(c.getExtensionValue("2.5.29.35"), "AKI");
        Set<String> sans = c.getSubjectAlternativeNames().stream()
                .map(l -> l.get(0) + "=" + l.get(1)).collect(Collectors.toSet());
        assertEquals(Set.of("2=gw.example", "2=alt.example", "1=ops@example.org", "7=192.0.2.9", "7=2001:db8:0:0:0:0:0:1"),
                sans);
        assertEquals("CN=gw,O=ikeseal", c.getSubjectX500Principal().getName());
        Chains.verify(List.of(c, ca.certificate()), ca);
        assertTrue(ca.certificate().getBasicConstraints() >= 0);
    }

    @Test
    void writesPemThatParsesBack() throws Exception {
        TestCa ca = TestCa.create("CN=pem CA");
        Path pem = ca.writePem(dir.resolve("ca.pem"));
        try (var in = Files.newInputStream(pem)) {
            assertEquals(ca.certificate(), CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }
}
