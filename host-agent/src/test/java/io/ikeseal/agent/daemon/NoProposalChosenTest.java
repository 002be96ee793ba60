package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * NO_PROPOSAL_CHOSEN (RFC 7296 §2.7, §3.10.1) in IKE_SA_INIT: the responder answers with the notification and SPIr 0
 * and keeps nothing (§2.6: no state before the initiator proved it can receive); the initiator's attempt fails
 * naming it.
 */
class NoProposalChosenTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void noCommonProposalFailsTheInitiatorAndLeavesTheResponderWithoutState() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(gw)
                                .proposals("aes128gcm16-prfsha384-ecp384", "aes128-sha512-modp2048"))) {
            String why = Scenario.failure(br.initiate("gateway"));
            assertTrue(why.contains("NO_PROPOSAL_CHOSEN"), why);
            EventRecorder.Event failed = br.events().awaitOnly(EventRecorder.Kind.FAILED);
            assertTrue(failed.detail().contains("NO_PROPOSAL_CHOSEN"), failed.detail());
            Scenario.await("both ends to drop the SA", () -> gw.spis() == 0 && gw.halfOpen() == 0 && br.spis() == 0);
            assertTrue(gw.events().of(EventRecorder.Kind.ESTABLISHED).isEmpty());
            // The initiator made its key pair; the responder made no token call at all.
            assertEquals(
                    List.of("dh-keygen " + gw.asPeer()),
                    scenario.audit(failed.sa().spiI()).stream()
                            .map(a -> a.op() + " " + a.peer())
                            .toList());
        }
    }
}
