package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.sa.ChildSaMode;
import io.ikeseal.agent.sa.ChildSaRecord;

/**
 * The CHILD_SA of IKE_AUTH between two daemons: the responder narrows the initiator's traffic selectors (RFC 7296
 * §2.9) and both installers get the narrowed ones; disjoint selectors give TS_UNACCEPTABLE, which leaves the IKE SA
 * standing without a CHILD_SA on either end (§1.2); USE_TRANSPORT_MODE on both ends gives transport mode (§1.3.1).
 */
class TrafficSelectorTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void responderNarrowsTheInitiatorsSubnet() throws Exception {
        try (Side gw = scenario.start(
                        "gateway", ConnectionYaml.gateway().selectors(List.of("10.1.0.0/16"), List.of("10.0.1.0/24")));
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(gw).selectors(List.of("10.0.0.0/16"), List.of("10.1.0.0/16")))) {
            Scenario.establish(br, gw);
            Scenario.assertOneChildEach(br, gw);
            ChildSaRecord mine = br.installer().installed().getFirst();
            assertEquals("[10.0.1.0..10.0.1.255[any/any]]", mine.localTs().toString());
            assertEquals("[10.1.0.0..10.1.255.255[any/any]]", mine.remoteTs().toString());
            assertEquals(
                    "[10.0.1.0..10.0.1.255[any/any]]",
                    gw.installer().installed().getFirst().remoteTs().toString());
        }
    }

    @Test
    void disjointSelectorsLeaveTheIkeSaWithoutChildSa() throws Exception {
        try (Side gw = scenario.start(
                        "gateway", ConnectionYaml.gateway().selectors(List.of("10.1.0.0/16"), List.of("10.0.1.0/24")));
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(gw).selectors(List.of("192.168.7.0/24"), List.of("10.1.0.0/16")))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            assertEquals(List.of(), sa.initiator().children());
            assertEquals(List.of(), sa.responder().children());
            String mine = br.events()
                    .await(EventRecorder.Kind.CHILD_FAILED, sa.initiator().spiI())
                    .detail();
            String theirs = gw.events()
                    .await(EventRecorder.Kind.CHILD_FAILED, sa.initiator().spiI())
                    .detail();
            assertTrue(mine.startsWith("net: TS_UNACCEPTABLE from the responder"), mine);
            assertTrue(theirs.contains("TS_UNACCEPTABLE"), theirs);
            assertEquals(List.of(), br.installer().installed());
            assertEquals(List.of(), gw.installer().installed());
            assertTrue(scenario.audit(sa.initiator().spiI()).stream().noneMatch(a -> a.op().equals("child-keymat")));
            assertEquals(1, gw.daemon().gateway().established().size(), "the IKE SA stays");
        }
    }

    @Test
    void transportModeOnBothEnds() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().mode("transport"));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).mode("transport"))) {
            Scenario.establish(br, gw);
            Scenario.assertOneChildEach(br, gw);
            assertEquals(
                    ChildSaMode.TRANSPORT, br.installer().installed().getFirst().mode());
            assertEquals(
                    ChildSaMode.TRANSPORT, gw.installer().installed().getFirst().mode());
        }
    }
}
