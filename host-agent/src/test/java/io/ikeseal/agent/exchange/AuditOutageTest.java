package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.SETTINGS;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * Issue 9 item 3 at the responder: while the audit log cannot be written the token refuses every call (Token.call
 * fails at once), so a new IKE_SA_INIT is dropped, counted, and leaves no state; an established SA keeps working
 * on its host-side keys; once the log recovers the initiator's retransmission establishes.
 */
class AuditOutageTest {
    @Test
    void newSasAreDroppedWhileTheTokenRefusesAndEstablishOnceItRecovers() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo existing = established(pair);
        int shares = pair.responder.crypto.calls("generateShare");

        pair.responder.crypto.refuseShares("token 'hsm': dh-keygen not run: audit log cannot be written (test)");
        CompletableFuture<IkeSaInfo> refused = pair.initiate();
        assertFalse(refused.isDone(), "unanswered: the initiator retransmits");
        assertEquals(1, pair.responder.counters.getSa("token-failed"));
        assertEquals(0, pair.responder.gateway.halfOpenCount(), "no state kept for the refused SA");
        assertEquals(shares, pair.responder.crypto.calls("generateShare"), "no token work");
        assertTrue(get(pair.initiator.gateway.checkLiveness(existing.spiI())), "the existing SA still answers");

        pair.responder.crypto.refuseShares(null); // the log recovered
        pair.scheduler.advance(SETTINGS.retransmitDelay(0));
        get(refused);
        assertEquals(shares + 1, pair.responder.crypto.calls("generateShare"));
        assertEquals(1, pair.responder.counters.getSa("token-failed"));
    }
}
