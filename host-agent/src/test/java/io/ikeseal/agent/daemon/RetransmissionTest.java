package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.wire.ExchangeType;

/**
 * Retransmission (RFC 7296 §2.1) through a relay that loses or repeats chosen datagrams: a responder answers a
 * retransmitted request from its cached response without redoing any work (no second key pair, no second
 * signature), and an initiator gives up after its bounded retransmissions when the responder is gone.
 */
class RetransmissionTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();
    /** 100 ms, ×1.5, 2 retransmissions: gives up after about half a second. */
    static final UnaryOperator<ExchangeSettings> IMPATIENT =
            s -> Scenario.FAST.apply(s).withRetransmit(Duration.ofMillis(100), 1.5, 2);

    @Test
    void lostResponsesAreAnsweredFromTheCacheWhenTheRequestIsRetransmitted() throws Exception {
        Set<ExchangeType> lost = ConcurrentHashMap.newKeySet();
        UdpRelay.Rule loseFirstResponses = (d, r) -> !(d.direction() == UdpRelay.Direction.TO_INITIATOR
                && d.message() != null
                && lost.add(d.message().header().exchange()));
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                UdpRelay relay = new UdpRelay(gw.ike(), loseFirstResponses);
                Side br = scenario.start("branch", ConnectionYaml.branch(relay))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            Scenario.assertOneChildEach(br, gw);
            assertEquals(Set.of(ExchangeType.IKE_SA_INIT, ExchangeType.IKE_AUTH), lost);
            for (ExchangeType t : List.of(ExchangeType.IKE_SA_INIT, ExchangeType.IKE_AUTH)) {
                assertEquals(2, relay.count(UdpRelay.Direction.TO_RESPONDER, t, false), t + " requests");
                assertEquals(2, relay.count(UdpRelay.Direction.TO_INITIATOR, t, true), t + " responses");
            }
            assertEquals(2, gw.counters().getSa("retransmission-answered"));
            assertEquals(
                    Map.of("dh-keygen", 1L, "dh-derive", 1L, "sign", 1L, "child-keymat", 1L),
                    tokenWork(scenario.audit(sa.initiator().spiI()), relay.asSeenByResponder()));
        }
    }

    @Test
    void duplicatedRequestsAreAnsweredOnceEachFromTheCache() throws Exception {
        Map<ExchangeType, byte[]> lastRequest = new ConcurrentHashMap<>();
        Set<ExchangeType> repeated = ConcurrentHashMap.newKeySet();
        UdpRelay.Rule repeatEachRequestOnce = (d, relay) -> {
            if (d.message() == null) {
                return true;
            }
            ExchangeType t = d.message().header().exchange();
            if (d.direction() == UdpRelay.Direction.TO_RESPONDER) {
                lastRequest.put(t, d.octets());
            } else if ((t == ExchangeType.IKE_SA_INIT || t == ExchangeType.IKE_AUTH) && repeated.add(t)) {
                relay.resendToResponder(lastRequest.get(t)); // the request again, after it was answered
            }
            return true;
        };
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                UdpRelay relay = new UdpRelay(gw.ike(), repeatEachRequestOnce);
                Side br = scenario.start("branch", ConnectionYaml.branch(relay))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            Scenario.await(
                    "the repeated answers to reach the initiator",
                    () -> br.counters().getSa("unexpected-response") == 2);
            assertEquals(2, gw.counters().getSa("retransmission-answered"));
            for (ExchangeType t : List.of(ExchangeType.IKE_SA_INIT, ExchangeType.IKE_AUTH)) {
                assertEquals(2, relay.count(UdpRelay.Direction.TO_INITIATOR, t, true), t + " responses");
            }
            Scenario.assertOneChildEach(br, gw);
            assertEquals(
                    Map.of("dh-keygen", 1L, "dh-derive", 1L, "sign", 1L, "child-keymat", 1L),
                    tokenWork(scenario.audit(sa.initiator().spiI()), relay.asSeenByResponder()));
        }
    }

    @Test
    void initiatorGivesUpAfterItsBoundedRetransmissionsWhenTheResponderIsGone() throws Exception {
        Side gone = scenario.start("gateway", ConnectionYaml.gateway());
        gone.close();
        try (UdpRelay relay = new UdpRelay(gone.ike(), UdpRelay.forwardAll());
                Side br = scenario.start("branch", ConnectionYaml.branch(relay), IMPATIENT)) {
            String why = Scenario.failure(br.initiate("gateway"));
            assertTrue(
                    why.startsWith("no answer to IKE_SA_INIT #0 from ") && why.endsWith("after 2 retransmissions"),
                    why);
            assertEquals(why, br.events().awaitOnly(EventRecorder.Kind.FAILED).detail());
            assertEquals(3, relay.count(UdpRelay.Direction.TO_RESPONDER, ExchangeType.IKE_SA_INIT, false));
            assertEquals(0, relay.count(UdpRelay.Direction.TO_INITIATOR, ExchangeType.IKE_SA_INIT, true));
            Scenario.await("the initiator to drop the SA", () -> br.spis() == 0);
        }
    }

    /** How often each costly token operation ran at the end that names {@code peer}. */
    static Map<String, Long> tokenWork(List<Scenario.Audited> records, String peer) {
        return records.stream()
                .filter(a -> a.peer().equals(peer)
                        && Set.of("dh-keygen", "dh-derive", "sign", "child-keymat")
                                .contains(a.op()))
                .collect(java.util.stream.Collectors.groupingBy(
                        Scenario.Audited::op, java.util.stream.Collectors.counting()));
    }
}
