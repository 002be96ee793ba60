package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.ikeseal.hsm.api.Urgency;

/**
 * Which token queue each step's work asks for (issue 9 item 1): a responder's IKE_SA_INIT work is what any admitted
 * request can cause, so it is LOW; IKE_AUTH work (AUTH, CHILD_SA KEYMAT) comes from a peer that answered from its
 * address and is HIGH, and so is all work of SAs we initiate.
 */
class TokenUrgencyTest {
    @Test
    void theResponderQueuesItsIkeSaInitWorkBehindIkeAuthWork() throws Exception {
        ExchangePair pair = new ExchangePair();
        ExchangeEngineTest.established(pair);

        SoftwareIkeCrypto responder = pair.responder.crypto;
        assertEquals(Set.of(Urgency.LOW), responder.urgencies("generateShare"));
        assertEquals(Set.of(Urgency.LOW), responder.urgencies("ikeSaKeys"));
        assertEquals(Set.of(Urgency.HIGH), responder.urgencies("pskAuth"), "our AUTH and the check of the peer's");
        assertEquals(Set.of(Urgency.HIGH), responder.urgencies("childKeymat"));

        SoftwareIkeCrypto initiator = pair.initiator.crypto;
        for (String op : new String[] {"generateShare", "ikeSaKeys", "pskAuth", "childKeymat"}) {
            assertEquals(Set.of(Urgency.HIGH), initiator.urgencies(op), op);
        }
    }
}
