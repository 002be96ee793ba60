package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.sa.ChildSaRecord;

/** IKE SA and CHILD_SA between two daemons on ::1: IPv6 sockets, NAT detection hashes and TS_IPV6_ADDR_RANGE. */
class Ipv6LoopbackTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    @Test
    void ikeSaAndChildSaOverIpv6() throws Exception {
        try (Side gw = scenario.start("gateway", ConnectionYaml.gateway().onAddress("::1"));
                Side br = scenario.start("branch", ConnectionYaml.branch(gw).onAddress("::1"))) {
            InetAddress v6 = InetAddress.ofLiteral("::1");
            Scenario.Established sa = Scenario.establish(br, gw);
            assertEquals(v6, sa.initiator().remote().getAddress());
            assertEquals(v6, sa.responder().remote().getAddress());
            assertEquals(false, sa.initiator().natDetected() || sa.responder().natDetected());
            Scenario.assertOneChildEach(br, gw);
            ChildSaRecord child = br.installer().installed().getFirst();
            assertEquals(
                    "[0:0:0:0:0:0:0:1..0:0:0:0:0:0:0:1[any/any]]",
                    child.localTs().toString());
            assertEquals(v6, child.remote().getAddress());
        }
    }
}
