package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PSK AUTH (RFC 7296 §2.15, method 2) computed and checked in the HSM: on both ends with a non-AEAD suite, and mixed,
 * the initiator signing with its certificate while the responder proves the PSK.
 */
class SharedKeyAuthTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void pskOnBothEndsWithAes256Sha384Ecp384() throws Exception {
        String suite = "aes256-sha384-ecp384";
        try (Side gw = scenario.start(
                        "gateway",
                        ConnectionYaml.gateway().pskAuth(TestDeployment.PSK).proposals(suite));
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(gw).pskAuth(TestDeployment.PSK).proposals(suite))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            assertEquals(
                    "aes256-sha384-prfsha384-ecp384", sa.initiator().suite().describe());
            assertEquals(
                    "PSK 'branch-psk' in token hsm, shared key MIC (method 2)",
                    sa.initiator().localAuth());
            assertEquals(
                    "PSK 'branch-psk' in token hsm, shared key MIC (method 2)",
                    sa.responder().localAuth());
            Scenario.assertOneChildEach(br, gw);
            List<Scenario.Audited> records = scenario.audit(sa.initiator().spiI());
            // No signature anywhere; each end keyed its AUTH and checked the other's with the PSK in the HSM.
            assertTrue(records.stream().noneMatch(a -> a.op().equals("sign")));
            // Each end MACs under the PSK's key pad twice: once for its own AUTH, once to check the peer's (the pad
            // itself is derived once per PSK and kept in the token, so its "psk-keypad" record need not be this SA's).
            assertEquals(
                    Map.of(gw.asPeer(), 2L, br.asPeer(), 2L),
                    records.stream()
                            .filter(a -> a.op().equals("prf") && a.key().equals("psk-keypad/" + TestDeployment.PSK))
                            .collect(Collectors.groupingBy(Scenario.Audited::peer, Collectors.counting())));
            assertEquals(
                    2,
                    records.stream()
                            .filter(a -> a.op().equals("peer-auth")
                                    && a.result().equals("ok")
                                    && a.mechanism().startsWith("SHARED_KEY_MIC"))
                            .count());
        }
    }

    @Test
    void initiatorSignsResponderProvesThePsk() throws Exception {
        try (Side gw = scenario.start(
                        "gateway",
                        ConnectionYaml.gateway().pskAuth(TestDeployment.PSK).peerPubkey());
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).peerPsk(TestDeployment.PSK))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            assertEquals(
                    "EC_P256 key 'branch-ecdsa' on token smartcard, ECDSA_SHA256 (method 14)",
                    sa.initiator().localAuth());
            assertEquals(
                    "PSK 'branch-psk' in token hsm, shared key MIC (method 2)",
                    sa.responder().localAuth());
            assertTrue(
                    sa.responder().remoteAuth().startsWith("ECDSA"),
                    sa.responder().remoteAuth());
            Scenario.assertOneChildEach(br, gw);
            List<Scenario.Audited> records = scenario.audit(sa.initiator().spiI());
            assertEquals(List.of(gw.asPeer()), peersOf(records, "sign"));
        }
    }

    /** The peers named by records of {@code op}, in log order. */
    static List<String> peersOf(List<Scenario.Audited> records, String op) {
        return records.stream()
                .filter(a -> a.op().equals(op))
                .map(Scenario.Audited::peer)
                .toList();
    }
}
