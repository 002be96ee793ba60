package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.KeyExchangePayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.hsm.api.DhGroup;

/**
 * INVALID_KE_PAYLOAD (RFC 7296 §1.2, §2.7): the initiator guesses ecp256 for its KE, the responder accepts only its
 * modp2048 proposal and names that group; the initiator retries with a fresh key pair in it, and both AUTHs cover the
 * final IKE_SA_INIT pair (§2.15), or neither end would have verified the other's.
 */
class InvalidKePayloadTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void initiatorRetriesInTheGroupTheResponderNames() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().proposals("aes256gcm16-prfsha256-modp2048"));
                UdpRelay relay = new UdpRelay(gw.ike(), UdpRelay.forwardAll());
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(relay)
                                .proposals("aes256gcm16-prfsha256-ecp256", "aes256gcm16-prfsha256-modp2048"))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            assertEquals(
                    "aes256gcm16-prfsha256-modp2048", sa.initiator().suite().describe());
            Scenario.assertOneChildEach(br, gw);

            List<IkeMessage> requests = messages(relay, UdpRelay.Direction.TO_RESPONDER, false);
            List<IkeMessage> answers = messages(relay, UdpRelay.Direction.TO_INITIATOR, true);
            assertEquals(2, requests.size());
            assertEquals(
                    List.of(DhGroup.ECP_256.id(), DhGroup.MODP_2048.id()),
                    requests.stream()
                            .map(m -> m.first(KeyExchangePayload.class)
                                    .orElseThrow()
                                    .dhGroup())
                            .toList());
            assertEquals(2, answers.size());
            assertEquals(0, answers.getFirst().header().responderSpi());
            assertEquals(
                    DhGroup.MODP_2048.id(),
                    answers.getFirst()
                            .notification(NotifyType.INVALID_KE_PAYLOAD)
                            .orElseThrow()
                            .invalidKeGroup());
            assertEquals(sa.initiator().spiR(), answers.getLast().header().responderSpi());

            // A key pair per guess at the initiator; one at the responder, in the group it chose.
            List<Scenario.Audited> records = scenario.audit(sa.initiator().spiI());
            assertEquals(
                    List.of("CKM_EC_KEY_PAIR_GEN", "CKM_DH_PKCS_KEY_PAIR_GEN"),
                    keygens(records, relay.asSeenByInitiator()));
            assertEquals(List.of("CKM_DH_PKCS_KEY_PAIR_GEN"), keygens(records, relay.asSeenByResponder()));
            assertTrue(records.stream()
                    .filter(a -> a.op().equals("peer-auth"))
                    .allMatch(a -> a.result().equals("ok")));
        }
    }

    private static List<IkeMessage> messages(UdpRelay relay, UdpRelay.Direction d, boolean response) {
        return relay.seen().stream()
                .filter(x -> x.is(d, ExchangeType.IKE_SA_INIT, response))
                .map(UdpRelay.Datagram::message)
                .toList();
    }

    private static List<String> keygens(List<Scenario.Audited> records, String peer) {
        return records.stream()
                .filter(a -> a.op().equals("dh-keygen") && a.peer().equals(peer))
                .map(Scenario.Audited::mechanism)
                .toList();
    }
}
