package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.IkeMessage;
import io.ikeseal.agent.wire.MalformedReason;
import io.ikeseal.agent.wire.NotifyPayload;
import io.ikeseal.agent.wire.NotifyType;
import io.ikeseal.hsm.api.DhGroup;

/**
 * Historic bug classes of IKE_SA_INIT responders, each sent from a raw socket to a running gateway: the precise
 * answer RFC 7296 asks for, or a counted drop; never state, never a token call; and a normal SA still establishes.
 */
class CraftedInitRequestTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    /** CVE-2014-9221 (KE of an unknown group): §1.2 INVALID_KE_PAYLOAD naming the group we chose, SPIr 0. */
    @Test
    void keOfAnUnknownGroupIsAnsweredWithTheGroupWeChose() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                RawInitiator raw = new RawInitiator(gw.ike())) {
            raw.sendInitWithKe(0x4242, new byte[64]);
            IkeMessage answer = raw.receive(Scenario.WAIT).orElseThrow(() -> new AssertionError("no answer"));
            assertEquals(ExchangeType.IKE_SA_INIT.code(), answer.header().exchangeType());
            assertTrue(answer.header().isResponse());
            assertEquals(raw.spiI, answer.header().initiatorSpi());
            assertEquals(0, answer.header().responderSpi(), "an error answer keeps no SA (§2.6)");
            assertEquals(1, answer.payloads().size(), answer.toString());
            NotifyPayload n = answer.notification(NotifyType.INVALID_KE_PAYLOAD).orElseThrow();
            assertEquals(DhGroup.ECP_256.id(), n.invalidKeGroup());
            assertNoTrace(gw, raw);
            scenario.assertStillEstablishes(gw);
        }
    }

    /** CVE-2023-41913 (unchecked DH value length): the decoder refuses it; unanswered (§3.10.1), counted. */
    @Test
    void dhValueOfTheWrongLengthIsDropped() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                RawInitiator raw = new RawInitiator(gw.ike())) {
            byte[] shortValue = java.util.Arrays.copyOf(raw.publicValue(), 63);
            raw.sendInitWithKe(DhGroup.ECP_256.id(), shortValue);
            raw.assertNoAnswer();
            assertEquals(1, gw.counters().get(MalformedReason.INVALID_SYNTAX));
            assertNoTrace(gw, raw);
            scenario.assertStillEstablishes(gw);
        }
    }

    /** RFC 6989 §2.3: a point that is not on the curve is refused before any token call; unanswered, counted. */
    @Test
    void pointNotOnTheCurveIsDropped() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway());
                RawInitiator raw = new RawInitiator(gw.ike())) {
            byte[] offCurve = new byte[64];
            offCurve[31] = 1; // (1, 1): 1 != 1 - 3 + b mod p
            offCurve[63] = 1;
            raw.sendInitWithKe(DhGroup.ECP_256.id(), offCurve);
            raw.assertNoAnswer();
            Scenario.await("the drop to be counted", () -> gw.counters().getSa("invalid-ke-value") == 1);
            assertNoTrace(gw, raw);
            scenario.assertStillEstablishes(gw);
        }
    }

    /** CVE-2013-6467 (a missing payload dereferenced): each of SA, KE and Ni missing once; dropped, counted. */
    @Test
    void initRequestsWithoutSaKeOrNiAreDropped() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway())) {
            for (int missing = 0; missing < 3; missing++) {
                try (RawInitiator raw = new RawInitiator(gw.ike())) {
                    var payloads = new java.util.ArrayList<>(raw.initPayloads());
                    payloads.remove(missing);
                    raw.sendInit(payloads);
                    raw.assertNoAnswer();
                    assertNoTrace(gw, raw);
                }
            }
            assertEquals(3, gw.counters().getSa("ike-sa-init-payloads"));
            scenario.assertStillEstablishes(gw);
        }
    }

    /** The gateway kept no SA for {@code raw} and made no token call for it. */
    private static void assertNoTrace(Side gw, RawInitiator raw) {
        Scenario.await("no SA left at the gateway", () -> gw.spis() == 0 && gw.halfOpen() == 0);
        assertEquals(List.of(), scenario.audit(raw.spiI));
        assertTrue(gw.events().of(EventRecorder.Kind.ESTABLISHED).isEmpty());
    }
}
