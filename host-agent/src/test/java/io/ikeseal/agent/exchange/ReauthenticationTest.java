package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.established;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static io.ikeseal.agent.exchange.IkeSaRekeyTest.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * IKE SA reauthentication, make before break (RFC 7296 §2.8.3): a new IKE SA by IKE_SA_INIT and IKE_AUTH with the
 * connection's CHILD_SA, then the old one is deleted; only where we can initiate; a failed attempt leaves the old SA.
 * Also the fallback of an IKE rekey whose old SK_d the token lost.
 */
class ReauthenticationTest {
    static final ExchangeSettings SETTINGS = ExchangeSettings.DEFAULT;

    static void newSaReplacedTheOld(ExchangePair pair, IkeSaInfo info, IkeSaInfo now, IkeSa oldI, IkeSa oldR)
            throws Exception {
        assertNotEquals(info.spiI(), now.spiI());
        assertEquals(now.spiI(), only(pair.initiator).spiI());
        assertEquals(now.spiI(), only(pair.responder).spiI());
        assertTrue(oldI.isClosed() && oldR.isClosed());
        assertTrue(oldI.keys().isDestroyed() && oldR.keys().isDestroyed());
        assertEquals(1, pair.initiator.installer.installed().size(), "the new CHILD_SA, the old one removed");
        assertNotEquals(
                info.children().getFirst().inboundSpi(),
                pair.initiator.installer.installed().getFirst().inboundSpi());
        List<String> e = pair.initiator.events;
        int second = e.lastIndexOf("established");
        assertTrue(second > e.indexOf("established"), e::toString);
        assertTrue(second < e.indexOf("child deleted: net"), "make before break: " + e);
        assertTrue(e.contains("reauthenticated"));
        assertTrue(get(pair.responder.gateway.checkLiveness(now.spiI())));
    }

    @Test
    void reauthenticationMakesTheNewSaBeforeDeletingTheOld() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();

        IkeSaInfo now = get(pair.initiator.gateway.reauthenticate(info.spiI()));

        newSaReplacedTheOld(pair, info, now, oldI, oldR);
        assertEquals(2, pair.initiator.crypto.calls("ikeSaKeys"), "a full IKE_SA_INIT, not a rekey");
    }

    @Test
    void onlyAnEndThatCanInitiateReauthenticates() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);

        assertThrows(ExecutionException.class, () -> get(pair.responder.gateway.reauthenticate(info.spiI())));
        assertEquals(info.spiI(), only(pair.responder).spiI());
    }

    @Test
    void aFailedReauthenticationLeavesTheOldSa() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        pair.responder.crypto.refuseShares("token busy"); // the new IKE_SA_INIT goes unanswered

        var f = pair.initiator.gateway.reauthenticate(info.spiI());
        pair.scheduler.advance(SETTINGS.giveUpAfter().plusSeconds(1));

        assertThrows(ExecutionException.class, () -> get(f));
        assertEquals(info.spiI(), only(pair.initiator).spiI());
        assertEquals(info.spiI(), only(pair.responder).spiI());
        assertEquals(1, pair.initiator.installer.installed().size());
    }

    @Test
    void aRekeyWhoseOldSkDTheTokenLostFallsBackToReauthentication() throws Exception {
        ExchangePair pair = new ExchangePair();
        IkeSaInfo info = established(pair);
        IkeSa oldI = pair.initiator.gateway.sa(info.spiI()).orElseThrow();
        IkeSa oldR = pair.responder.gateway.sa(info.spiI()).orElseThrow();
        pair.initiator.crypto.failRekeys("session reopened: object handle invalid");

        IkeSaInfo now = get(pair.initiator.gateway.rekeyIkeSa(info.spiI()));

        assertNotEquals(info.spiI(), now.spiI());
        assertEquals(now.spiI(), only(pair.initiator).spiI());
        assertTrue(oldI.isClosed() && oldR.isClosed(), "the old SA is deleted once the reauthenticated one is up");
        assertTrue(pair.initiator.events.contains("reauthenticated"));
        assertTrue(get(pair.responder.gateway.checkLiveness(now.spiI())));
        assertEquals(0, pair.initiator.crypto.undestroyed() - keysAfterOneSa(), "the refused share was consumed");
        // The responder had answered the rekey: the SA it made for it, which the initiator never keyed, stays until
        // its liveness check or lifetime ends it (the initiator cannot speak on it).
    }

    private static long keysAfterOneSa() throws Exception {
        ExchangePair pair = new ExchangePair();
        established(pair);
        return pair.initiator.crypto.undestroyed();
    }
}
