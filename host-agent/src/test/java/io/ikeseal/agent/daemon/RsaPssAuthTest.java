package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.auth.SignaturePolicy;
import io.ikeseal.agent.config.ExchangeSettings;

/**
 * RSA-3072 certificates on both ends with RFC 7427 signature AUTH (method 14): with {@code preferRsaPss} both sign
 * RSASSA-PSS with SHA-256 in the smartcard, as both peers announced SHA2-256 in SIGNATURE_HASH_ALGORITHMS.
 */
class RsaPssAuthTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    static final UnaryOperator<ExchangeSettings> PSS = s -> {
        ExchangeSettings f = Scenario.FAST.apply(s);
        return new ExchangeSettings(
                f.retransmitTimeout(),
                f.retransmitBase(),
                f.retransmitTries(),
                f.halfOpenTimeout(),
                f.cookieThreshold(),
                f.closedLinger(),
                f.fragmentSize(),
                f.fragmentation(),
                f.windowSize(),
                new SignaturePolicy(true, true),
                f.admission(),
                f.limits());
    };

    @Test
    void bothEndsSignRsaPssUnderMethod14() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().signWith("gateway-rsa"), PSS);
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).signWith("branch-rsa"), PSS)) {
            Scenario.Established sa = Scenario.establish(br, gw);
            assertEquals(
                    "RSA key 'branch-rsa' on token smartcard, RSA_PSS_SHA256 (method 14)",
                    sa.initiator().localAuth());
            assertEquals(
                    "RSA key 'gateway-rsa' on token smartcard, RSA_PSS_SHA256 (method 14)",
                    sa.responder().localAuth());
            assertTrue(
                    sa.initiator()
                            .remoteAuth()
                            .startsWith(
                                    "RSA_PSS_SHA256 signature by certificate \"O=ikeseal "
                                            + "test, CN=gateway.ikeseal.test\" issued by \"O=ikeseal test, CN=ikeseal test CA\""),
                    sa.initiator().remoteAuth());
            assertTrue(
                    sa.responder()
                            .remoteAuth()
                            .startsWith("RSA_PSS_SHA256 signature by certificate \"O=ikeseal "
                                    + "test, CN=branch.ikeseal.test\""),
                    sa.responder().remoteAuth());
            Scenario.assertOneChildEach(br, gw);

            // The smartcard signed once per end, with the PSS mechanism; each end verified the other's PSS signature.
            List<Scenario.Audited> records = scenario.audit(sa.initiator().spiI());
            Map<String, String> signedBy = records.stream()
                    .filter(a -> a.op().equals("sign"))
                    .collect(Collectors.toMap(Scenario.Audited::key, a -> a.mechanism() + " to " + a.peer()));
            assertEquals(
                    Map.of(
                            "branch-rsa",
                            "CKM_SHA256_RSA_PKCS_PSS to " + gw.asPeer(),
                            "gateway-rsa",
                            "CKM_SHA256_RSA_PKCS_PSS to " + br.asPeer()),
                    signedBy);
            Map<String, String> verified = records.stream()
                    .filter(a -> a.op().equals("peer-auth"))
                    .collect(Collectors.toMap(Scenario.Audited::key, a -> a.mechanism() + " " + a.result()));
            assertEquals(
                    Map.of(TestDeployment.GATEWAY, "RSA_PSS_SHA256 ok", TestDeployment.BRANCH, "RSA_PSS_SHA256 ok"),
                    verified);
        }
    }
}
