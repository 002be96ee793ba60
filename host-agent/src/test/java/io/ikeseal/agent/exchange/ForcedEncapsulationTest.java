package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.sa.ChildSaRecord;
import io.ikeseal.agent.sa.IkeSaInfo;
import io.ikeseal.agent.wire.ExchangeType;
import io.ikeseal.agent.wire.NotifyPayload;

/**
 * Forced UDP encapsulation (SaLimits.forceUdpEncapsulation, set by the userspace data plane): our
 * NAT_DETECTION_SOURCE_IP is made not to match, so the peer sees a NAT (RFC 7296 §2.23) and both ends send ESP in
 * UDP (RFC 3948); IKE moves to the NAT-T port as with a real NAT. Only the end that forces reports no NAT.
 */
class ForcedEncapsulationTest {
    static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 500);
    static final InetSocketAddress B = new InetSocketAddress("192.0.2.2", 500);

    @Test
    void aFakedSourceHashMakesThePeerSeeANat() {
        List<NotifyPayload> faked = NatDetection.notifications(1, 0, A, B, true);
        NatDetection.Result r = NatDetection.check(faked, 1, 0, A, B);
        assertTrue(r.peerBehindNat(), "the peer sees us behind a NAT");
        assertFalse(r.localBehindNat(), "the destination hash still matches");
        NatDetection.Result honest = NatDetection.check(NatDetection.notifications(1, 0, A, B, false), 1, 0, A, B);
        assertFalse(honest.any());
        assertTrue(honest.forcing(true).any(), "forced by our own setting");
        assertFalse(honest.forcing(true).natSeen());
        assertFalse(
                new NatDetection.Result(false, false, false).forcing(true).any(), "never toward a peer without NAT-T");
    }

    @Test
    void bothEndsEncapsulateAndIkeMovesToTheNatTPort() throws Exception {
        ExchangeSettings forced = ExchangeSettings.DEFAULT.withLimits(
                ExchangeSettings.DEFAULT.limits().withForcedUdpEncapsulation(true));
        LivePair p = new LivePair(forced, Liveness.DEFAULT, Liveness.DEFAULT);
        IkeSaInfo info = get(p.initiate(p.initiator));
        assertTrue(info.natDetected(), "each end's faked source hash shows the other one behind a NAT");
        List<MemoryNetwork.Packet> auth = p.network.log().stream()
                .filter(x -> x.header() != null && x.header().exchange() == ExchangeType.IKE_AUTH)
                .toList();
        assertFalse(auth.isEmpty());
        auth.forEach(x -> assertEquals(MemoryNetwork.NAT_T_PORT, x.to().getPort(), "IKE_AUTH on the NAT-T port"));
        ChildSaRecord mine = p.initiator.installer.installed().getFirst();
        ChildSaRecord theirs = p.responder.installer.installed().getFirst();
        assertTrue(mine.udpEncapsulation() && theirs.udpEncapsulation(), "ESP in UDP at both ends");
        assertEquals(MemoryNetwork.NAT_T_PORT, mine.remote().getPort(), "ESP goes to the peer's NAT-T port");
        assertEquals(MemoryNetwork.NAT_T_PORT, theirs.remote().getPort());
    }
}
