package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * AUTHENTICATION_FAILED (RFC 7296 §2.21.2) on both ends: the responder answers its IKE_AUTH with the notification,
 * writes an "auth-failed" audit record naming the failure, and keeps no SA; the initiator's attempt fails naming it.
 */
class AuthenticationFailedTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void peerIdIsNotTheConfiguredRemoteId() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().remoteId("someone-else.ikeseal.test"));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            refused(br, gw, "id-mismatch");
        }
    }

    @Test
    void initiatorAsksForAnotherResponderId() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).remoteId("other-gateway.ikeseal.test"))) {
            refused(br, gw, "id-mismatch");
        }
    }

    @Test
    void certificateFromACaWeDoNotTrust() throws Exception {
        try (Side gw = scenario.start("gateway", List.of(Scenario.OTHER_CA), ConnectionYaml.gateway(), Scenario.FAST);
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            refused(br, gw, "certificate-untrusted");
        }
    }

    @Test
    void pskOfAnotherValue() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().pskAuth(Scenario.OTHER_PSK));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).pskAuth(TestDeployment.PSK))) {
            refused(br, gw, "psk-mismatch");
        }
    }

    @Test
    void ourOwnCertificatePresentedBackToUs() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().remoteId(null));
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(gw).signWith("gateway-ecdsa").localId(TestDeployment.GATEWAY))) {
            refused(br, gw, "own-certificate");
        }
    }

    /** Both ends refused: the failure names AUTHENTICATION_FAILED, the responder audited {@code code}. */
    private static void refused(Side br, Side gw, String code) throws Exception {
        String why = Scenario.failure(br.initiate("gateway"));
        assertTrue(why.contains("AUTHENTICATION_FAILED"), why);
        IkeSaInfo failed = br.events().awaitOnly(EventRecorder.Kind.FAILED).sa();
        EventRecorder.Event theirs = gw.events().await(EventRecorder.Kind.FAILED, failed.spiI());
        assertTrue(theirs.detail().startsWith("AUTHENTICATION_FAILED"), theirs.detail());
        assertTrue(gw.events().of(EventRecorder.Kind.ESTABLISHED).isEmpty());
        assertTrue(br.events().of(EventRecorder.Kind.ESTABLISHED).isEmpty());
        List<Scenario.Audited> records = scenario.audit(failed.spiI());
        List<Scenario.Audited> refusals =
                records.stream().filter(a -> a.op().equals("auth-failed")).toList();
        assertEquals(1, refusals.size(), records.toString());
        assertEquals(br.asPeer(), refusals.getFirst().peer());
        assertTrue(
                refusals.getFirst().result().startsWith(code + ": "),
                refusals.getFirst().result());
        // The responder did no work for a peer it refused: no signature, no CHILD_SA keys.
        assertTrue(
                records.stream()
                        .noneMatch(a -> a.peer().equals(br.asPeer())
                                && (a.op().equals("sign") || a.op().equals("child-keymat"))),
                records.toString());
        assertTrue(br.installer().installed().isEmpty());
        assertTrue(gw.installer().installed().isEmpty());
        Scenario.await("the responder to drop the SA", () -> gw.spis() == 0 && gw.halfOpen() == 0);
    }
}
