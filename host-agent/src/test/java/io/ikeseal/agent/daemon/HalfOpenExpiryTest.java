package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.wire.ExchangeType;

/**
 * Half-open SAs (RFC 7296 §2.6: IKE_SA_INIT answered, no IKE_AUTH yet) expire after {@code ike.half-open-timeout}:
 * the responder drops the SA and its SPI, and reports it failed.
 */
class HalfOpenExpiryTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    static final UnaryOperator<ExchangeSettings> SHORT =
            s -> Scenario.FAST.apply(s).withHalfOpen(Duration.ofSeconds(1), s.cookieThreshold());

    @Test
    void initiatorStoppedBetweenTheExchanges() throws Exception {
        UdpRelay.Rule loseIkeAuth =
                (d, r) -> d.message() == null || d.message().header().exchangeType() != ExchangeType.IKE_AUTH.code();
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway(), SHORT);
                UdpRelay relay = new UdpRelay(gw.ike(), loseIkeAuth);
                Side br = scenario.start("branch", ConnectionYaml.branch(relay), RetransmissionTest.IMPATIENT)) {
            var attempt = br.initiate("gateway");
            Scenario.await("a half-open SA at the gateway", () -> gw.halfOpen() == 1);
            String why = Scenario.failure(attempt);
            assertTrue(why.startsWith("no answer to IKE_AUTH #1"), why);
            long spiI = br.events().awaitOnly(EventRecorder.Kind.FAILED).sa().spiI();
            EventRecorder.Event expired = gw.events().await(EventRecorder.Kind.FAILED, spiI);
            assertEquals("half-open for 1 s without IKE_AUTH", expired.detail());
            assertEquals(0, gw.halfOpen());
            Scenario.await("the gateway to forget the SPI", () -> gw.spis() == 0);
            assertEquals(3, relay.count(UdpRelay.Direction.TO_RESPONDER, ExchangeType.IKE_AUTH, false));
            assertTrue(scenario.audit(spiI).stream()
                    .noneMatch(a -> a.op().equals("sign") && a.peer().equals(relay.asSeenByResponder())));
        }
    }

    @Test
    void rawPeerThatNeverSendsIkeAuth() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway(), SHORT);
                RawInitiator raw = new RawInitiator(gw.ike())) {
            raw.completeInit();
            assertEquals(1, gw.halfOpen());
            EventRecorder.Event expired = gw.events().await(EventRecorder.Kind.FAILED, raw.spiI);
            assertEquals("half-open for 1 s without IKE_AUTH", expired.detail());
            assertEquals(0, gw.halfOpen());
            Scenario.await("the gateway to forget the SPI", () -> gw.spis() == 0);
            scenario.assertStillEstablishes(gw);
        }
    }
}
