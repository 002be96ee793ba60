package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.proposal.ConfiguredProposal;
import io.ikeseal.agent.wire.DeletePayload;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkePayload;
import io.ikeseal.agent.wire.NoncePayload;
import io.ikeseal.agent.wire.PayloadType;
import io.ikeseal.agent.wire.SecurityAssociationPayload;
import io.ikeseal.agent.wire.TrafficSelector;
import io.ikeseal.agent.wire.TrafficSelectorPayload;

/**
 * A peer that completed IKE_SA_INIT (so it holds the IKE SA's keys) but never authenticated may do nothing except
 * IKE_AUTH (RFC 7296 §1.2, §1.4: INFORMATIONAL and CREATE_CHILD_SA only after the initial exchanges). Each request is
 * sent from a raw socket with keys derived in software; the gateway drops it, counted, and stays healthy.
 */
class UnauthenticatedExchangeTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void unprotectedInformationalAfterIkeSaInitIsDropped() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                RawInitiator raw = new RawInitiator(gw.ike())) {
            raw.completeInit();
            raw.sendUnprotected(ExchangeType.INFORMATIONAL, 1, List.of(DeletePayload.ikeSa()));
            raw.assertNoAnswer();
            assertEquals(1, gw.counters().getSa("unprotected-after-ike-sa-init"));
            assertStillHalfOpen(gw, raw);
            scenario.assertStillEstablishes(gw);
        }
    }

    @Test
    void createChildSaBeforeAuthenticationIsNeverActedUpon() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                RawInitiator raw = new RawInitiator(gw.ike())) {
            raw.completeInit();
            InetAddress lo = gw.address();
            List<IkePayload> child = List.of(
                    new SecurityAssociationPayload(
                            List.of(ConfiguredProposal.esp("aes256gcm16").toWire(1, new byte[] {1, 2, 3, 4}, false))),
                    new NoncePayload(raw.ni),
                    new TrafficSelectorPayload(PayloadType.TSI, List.of(TrafficSelector.of(lo, lo, 0, 0, 65535))),
                    new TrafficSelectorPayload(PayloadType.TSR, List.of(TrafficSelector.of(lo, lo, 0, 0, 65535))));
            raw.sendProtected(ExchangeType.CREATE_CHILD_SA, 1, child);
            raw.assertNoAnswer();
            assertEquals(1, gw.counters().getSa("exchange-not-allowed-in-half_open"));
            assertStillHalfOpen(gw, raw);
            scenario.assertStillEstablishes(gw);
        }
    }

    /** §1.4: "INFORMATIONAL exchanges MUST ONLY occur after the initial exchanges"; a Delete is not obeyed. */
    @Test
    void protectedInformationalBeforeAuthenticationIsNotActedUpon() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                RawInitiator raw = new RawInitiator(gw.ike())) {
            raw.completeInit();
            raw.sendProtected(ExchangeType.INFORMATIONAL, 1, List.of(DeletePayload.ikeSa()));
            raw.assertNoAnswer();
            assertEquals(1, gw.counters().getSa("exchange-not-allowed-in-half_open"));
            assertStillHalfOpen(gw, raw);
            scenario.assertStillEstablishes(gw);
        }
    }

    /** The raw peer's SA is still there, half-open, and nothing was done for it beyond IKE_SA_INIT. */
    private static void assertStillHalfOpen(Side gw, RawInitiator raw) {
        assertEquals(1, gw.halfOpen());
        assertTrue(
                gw.events().of(EventRecorder.Kind.FAILED).isEmpty(), gw.events().toString());
        assertEquals(
                List.of("dh-keygen", "dh-derive", "skeyseed", "sk_d", "prf+"),
                scenario.audit(raw.spiI).stream().map(Scenario.Audited::op).toList());
        assertTrue(gw.installer().installed().isEmpty());
    }
}
