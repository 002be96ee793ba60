package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every token operation of a handshake is audited with that SA's SPIs and its peer: the records of both ends (in the
 * shared TokenSet's one log, told apart by the peer they name) are the complete token work of one IKE SA and its
 * CHILD_SA, in order, and no token call of the handshake goes unattributed.
 */
class HandshakeAuditTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    /** One end's token work for an ECDSA IKE SA with a CHILD_SA, in the order it happens. */
    static final List<String> INITIATOR =
            List.of("dh-keygen", "dh-derive", "skeyseed", "sk_d", "prf+", "sign", "peer-auth", "child-keymat");
    /** The responder signs (smartcard) and derives the CHILD_SA's KEYMAT (HSM) at once: those two in either order. */
    static final List<String> RESPONDER =
            List.of("dh-keygen", "dh-derive", "skeyseed", "sk_d", "prf+", "peer-auth", "child-keymat", "sign");

    @Test
    void everyTokenOperationCarriesTheSpisAndThePeer() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw))) {
            int before = scenario.auditLog().size();
            Scenario.Established sa = Scenario.establish(br, gw);
            String spiI = Scenario.hex(sa.initiator().spiI());
            String spiR = Scenario.hex(sa.initiator().spiR());
            List<Scenario.Audited> during =
                    scenario.auditLog().subList(before, scenario.auditLog().size());
            // Nothing else ran in the meantime: all records of the handshake, and only those, name its SPIs.
            assertEquals(
                    List.of(),
                    during.stream().filter(a -> !spiI.equals(a.spiI())).toList());

            List<Scenario.Audited> initiator =
                    during.stream().filter(a -> a.peer().equals(gw.asPeer())).toList();
            List<Scenario.Audited> responder =
                    during.stream().filter(a -> a.peer().equals(br.asPeer())).toList();
            assertEquals(during.size(), initiator.size() + responder.size(), "records naming neither end");
            assertEquals(INITIATOR, initiator.stream().map(Scenario.Audited::op).toList());
            List<String> ops = responder.stream().map(Scenario.Audited::op).toList();
            assertEquals(RESPONDER.subList(0, 6), ops.subList(0, Math.min(6, ops.size())));
            assertEquals(
                    RESPONDER.subList(6, 8).stream().sorted().toList(),
                    ops.subList(6, ops.size()).stream().sorted().toList());
            // The initiator's first key pair precedes the responder's SPI; everything after it names both SPIs.
            assertNull(initiator.getFirst().spiR());
            assertEquals(
                    List.of(),
                    initiator.subList(1, initiator.size()).stream()
                            .filter(a -> !spiR.equals(a.spiR()))
                            .toList());
            assertEquals(
                    List.of(),
                    responder.stream().filter(a -> !spiR.equals(a.spiR())).toList());
            assertEquals(
                    List.of(),
                    during.stream().filter(a -> !a.result().equals("ok")).toList());
            // Key material never appears, only references: the token keys by role, the signers by alias.
            assertEquals(
                    List.of("branch-ecdsa", "gateway-ecdsa"),
                    during.stream()
                            .filter(a -> a.op().equals("sign"))
                            .map(Scenario.Audited::key)
                            .sorted()
                            .toList());
        }
    }
}
