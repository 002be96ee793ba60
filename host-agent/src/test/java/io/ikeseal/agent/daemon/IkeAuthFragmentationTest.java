package io.ikeseal.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.ikeseal.agent.wire.ExchangeType;

/**
 * IKE fragmentation (RFC 7383) end to end: with {@code ike.fragment-size: 576} on both ends, IKE_AUTH with an RSA-3072
 * certificate does not fit, so both its request and its response travel as SKF fragments no larger than that, are
 * reassembled, and the SA establishes.
 */
class IkeAuthFragmentationTest {
    @RegisterExtension
    static final Scenario scenario = new Scenario();

    static final int SIZE = 576;

    @Test
    void ikeAuthWithRsaCertificatesTravelsInFragments() throws Exception {
        try (Side gw = scenario.start(
                        "gateway",
                        ConnectionYaml.gateway().signWith("gateway-rsa").ike("fragment-size: " + SIZE));
                UdpRelay relay = new UdpRelay(gw.ike(), UdpRelay.forwardAll());
                Side br = scenario.start(
                        "branch",
                        ConnectionYaml.branch(relay).signWith("branch-rsa").ike("fragment-size: " + SIZE))) {
            Scenario.Established sa = Scenario.establish(br, gw);
            assertTrue(sa.initiator().fragmentation() && sa.responder().fragmentation());
            Scenario.assertOneChildEach(br, gw);
            for (UdpRelay.Direction d : UdpRelay.Direction.values()) {
                boolean response = d == UdpRelay.Direction.TO_INITIATOR;
                List<UdpRelay.Datagram> auth = relay.seen().stream()
                        .filter(x -> x.is(d, ExchangeType.IKE_AUTH, response))
                        .toList();
                assertTrue(auth.size() > 1, d + ": " + auth.size() + " IKE_AUTH datagram(s)");
                assertTrue(auth.stream().allMatch(UdpRelay.Datagram::fragment), d + ": not all SKF");
            }
            assertTrue(relay.seen().stream().allMatch(x -> x.octets().length <= SIZE), "a datagram over " + SIZE);
        }
    }
}
