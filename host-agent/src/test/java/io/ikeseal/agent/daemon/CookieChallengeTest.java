package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;

/**
 * COOKIE (RFC 7296 §2.6) with {@code ike.cookie-threshold: 0}: the responder answers every IKE_SA_INIT without a
 * valid cookie with N(COOKIE) only, at no cost (no state, no token call); the initiator repeats its request with the
 * cookie first and the SA establishes, its AUTH covering the request that carried the cookie.
 */
class CookieChallengeTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void initiatorRetriesWithTheCookieAndSucceeds() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().ike("cookie-threshold: 0"));
                UdpRelay relay = new UdpRelay(gw.ike(), UdpRelay.forwardAll());
                Side br = scenario.start("branch", ConnectionYaml.branch(relay))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            Scenario.assertOneChildEach(br, gw);
            assertEquals(1, gw.counters().getSa("cookie-sent"));

            List<IkeMessage> requests = relay.seen().stream()
                    .filter(d -> d.is(UdpRelay.Direction.TO_RESPONDER, ExchangeType.IKE_SA_INIT, false))
                    .map(UdpRelay.Datagram::message)
                    .toList();
            List<IkeMessage> answers = relay.seen().stream()
                    .filter(d -> d.is(UdpRelay.Direction.TO_INITIATOR, ExchangeType.IKE_SA_INIT, true))
                    .map(UdpRelay.Datagram::message)
                    .toList();
            assertEquals(2, requests.size());
            assertEquals(2, answers.size());
            IkeMessage challenge = answers.getFirst();
            assertEquals(0, challenge.header().responderSpi());
            assertEquals(1, challenge.payloads().size());
            byte[] cookie =
                    challenge.notification(NotifyType.COOKIE).orElseThrow().data();
            assertTrue(requests.getFirst().notification(NotifyType.COOKIE).isEmpty());
            NotifyPayload first = (NotifyPayload) requests.getLast().payloads().getFirst();
            assertEquals(NotifyType.COOKIE, first.notifyType());
            assertArrayEquals(cookie, first.data());
            // The challenge cost the responder nothing: one key pair, for the request that carried the cookie.
            assertEquals(
                    1,
                    scenario.audit(sa.initiator().spiI()).stream()
                            .filter(a -> a.op().equals("dh-keygen") && a.peer().equals(relay.asSeenByResponder()))
                            .count());
        }
    }
}
