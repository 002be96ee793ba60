package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static io.ikeseal.agent.exchange.ExchangeEngineTest.idle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * INITIAL_CONTACT (RFC 7296 §2.4, §3.10.1; issue 10 item 4): sent only on the first IKE SA between two identities,
 * and on receipt the older SAs of that identity pair close without a Delete exchange, never the new one, never those
 * of other identities.
 */
class InitialContactTest {
    static LivePair pair() {
        return new LivePair(ExchangeSettings.DEFAULT, Liveness.DEFAULT, Liveness.DEFAULT);
    }

    static long responderSas(LivePair p) {
        return p.responder.events.stream().filter("established"::equals).count()
                - p.responder.events.stream()
                        .filter(e -> e.startsWith("deleted: "))
                        .count();
    }

    @Test
    void aSecondSaFromTheSamePeerSendsNoneAndKeepsTheFirst() throws Exception {
        LivePair p = pair();
        IkeSaInfo first = get(p.initiate(p.initiator));
        IkeSaInfo second = get(p.initiate(p.initiator));
        assertEquals(2, responderSas(p), "the responder keeps both: the second IKE_AUTH carried no INITIAL_CONTACT");
        assertTrue(p.responder.gateway.sa(first.spiI()).isPresent());
        assertTrue(p.responder.gateway.sa(second.spiI()).isPresent());
        assertEquals(List.of(), p.responderEnds);
    }

    @Test
    void sasStartedTogetherAllStay() throws Exception {
        LivePair p = pair();
        // Started before either is established: only the first may claim to be the first contact, and the
        // responder closes only SAs created before the one that carries it.
        var a = p.initiate(p.initiator);
        var b = p.initiate(p.initiator);
        var c = p.initiate(p.initiator);
        IkeSaInfo first = get(a);
        IkeSaInfo second = get(b);
        IkeSaInfo third = get(c);
        assertEquals(3, responderSas(p));
        for (IkeSaInfo i : List.of(first, second, third)) {
            assertTrue(p.responder.gateway.sa(i.spiI()).isPresent(), "responder keeps " + i.describe());
            assertTrue(p.initiator.gateway.sa(i.spiI()).isPresent(), "initiator keeps " + i.describe());
        }
        assertEquals(List.of(), p.responderEnds);
    }

    @Test
    void aRestartedPeersFirstSaClosesItsOlderSasWithoutDelete() throws Exception {
        LivePair p = pair();
        IkeSaInfo a = get(p.initiate(p.initiator));
        IkeSaInfo b = get(p.initiate(p.initiator));
        int sentBefore = p.network.log().size();
        // The branch restarted (at another address, as behind a NAT that moved it): it has no SA, so it sends
        // INITIAL_CONTACT.
        List<String> restartedEnds = new ArrayList<>();
        ExchangePair.Side restarted = p.side(LivePair.address("192.0.2.3"), Liveness.DEFAULT, restartedEnds);
        IkeSaInfo c = get(p.initiate(restarted));
        idle(p.responder.gateway.sa(c.spiI()).orElseThrow());
        assertTrue(p.responder.gateway.sa(a.spiI()).isEmpty(), "the older SA a is gone");
        assertTrue(p.responder.gateway.sa(b.spiI()).isEmpty(), "the older SA b is gone");
        assertTrue(p.responder.gateway.sa(c.spiI()).isPresent(), "never the SA INITIAL_CONTACT came on");
        assertEquals(List.of("branch true INITIAL_CONTACT", "branch true INITIAL_CONTACT"), p.responderEnds);
        assertEquals(
                2,
                p.responder.events.stream()
                        .filter("deleted: INITIAL_CONTACT from the peer"::equals)
                        .count());
        assertEquals(
                2,
                p.responder.events.stream().filter("child deleted: net"::equals).count());
        assertEquals(1, p.responder.installer.installed().size(), "only the new SA's CHILD_SA is installed");
        assertEquals(
                4,
                p.network.log().size() - sentBefore,
                "IKE_SA_INIT and IKE_AUTH of the new SA only: no Delete exchange for the old ones");
        assertEquals(List.of(), restartedEnds);
    }

    @Test
    void saOfOtherIdentitiesStay() throws Exception {
        LivePair p = pair();
        IkeSaInfo other = get(p.initiate(p.initiator));
        IkeSa otherSa = p.responder.gateway.sa(other.spiI()).orElseThrow();
        // As if that SA had been authenticated between other identities: INITIAL_CONTACT for branch.example must
        // leave it alone.
        otherSa.shared().live().authenticated(otherSa, new LiveIkeSas.IdentityPair("gw.example", "else.example"));
        ExchangePair.Side restarted = p.side(LivePair.address("192.0.2.3"), Liveness.DEFAULT, new ArrayList<>());
        IkeSaInfo c = get(p.initiate(restarted));
        assertTrue(p.responder.gateway.sa(other.spiI()).isPresent());
        assertTrue(p.responder.gateway.sa(c.spiI()).isPresent());
        assertFalse(p.responder.events.stream().anyMatch(e -> e.startsWith("deleted: ")));
    }
}
