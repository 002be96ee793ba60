package io.ikeseal.agent.exchange;

import static io.ikeseal.agent.exchange.ExchangeEngineTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.config.Liveness;
import io.ikeseal.agent.sa.IkeSaInfo;

/**
 * NAT-keepalives (RFC 3948 §2.3, issue 10 item 3): the end that IKE_SA_INIT found behind a NAT sends one 0xFF octet
 * from its NAT-T socket when it sent nothing for {@code ike.nat-keepalive} (20 s by default); the other end and SAs
 * without a NAT send none. That a received keepalive is dropped and counted is NatTFramerTest's.
 */
class NatKeepaliveTest {
    static final Duration EVERY = ExchangeSettings.DEFAULT.limits().natKeepalive();

    @Test
    void behindANatTheInitiatorKeepsTheMappingWhenItSentNothingForTheInterval() throws Exception {
        LivePair p = new LivePair(ExchangeSettings.DEFAULT, Liveness.DEFAULT, Liveness.DEFAULT);
        p.network.nat(ExchangePair.BRANCH.getAddress(), InetAddress.getByName("198.51.100.7"));
        IkeSaInfo info = get(p.initiate(p.initiator));
        assertTrue(info.natDetected(), "IKE_SA_INIT found the NAT");
        p.scheduler.advance(EVERY.minusMillis(1));
        assertEquals(0, p.network.keepalives().size(), "none before the interval");
        p.scheduler.advance(Duration.ofMillis(1));
        assertEquals(1, p.network.keepalives().size());
        MemoryNetwork.Packet k = p.network.keepalives().getFirst();
        assertEquals(MemoryNetwork.NAT_T_PORT, k.from().getPort(), "from our NAT-T socket");
        assertEquals(ExchangePair.BRANCH.getAddress(), k.from().getAddress());
        assertEquals(ExchangePair.GATEWAY.getAddress(), k.to().getAddress());
        assertEquals(MemoryNetwork.NAT_T_PORT, k.to().getPort(), "to the peer's NAT-T port");

        p.scheduler.advance(Duration.ofSeconds(5));
        assertTrue(get(p.initiator.gateway.checkLiveness(info.spiI()))); // we sent a request: the NAT saw us
        p.scheduler.advance(EVERY.minusMillis(1));
        assertEquals(1, p.network.keepalives().size(), "a message we sent postpones the next keepalive");
        p.scheduler.advance(Duration.ofMillis(1));
        assertEquals(2, p.network.keepalives().size());
        p.scheduler.advance(EVERY.multipliedBy(3));
        assertEquals(5, p.network.keepalives().size(), "one per interval of silence");
        assertEquals(
                5,
                p.network.keepalives().stream()
                        .filter(x -> x.from().getAddress().equals(ExchangePair.BRANCH.getAddress()))
                        .count(),
                "the responder, not behind a NAT, sends none");
        assertEquals(5, p.initiator.counters.getSa("nat-keepalive-sent"));

        p.initiator.gateway.deleteAll("done", Duration.ofSeconds(1));
        p.scheduler.advance(EVERY.multipliedBy(3));
        assertEquals(5, p.network.keepalives().size(), "none after the SA ended");
    }

    @Test
    void withoutANatNoKeepaliveIsSent() throws Exception {
        LivePair p = new LivePair(ExchangeSettings.DEFAULT, Liveness.DEFAULT, Liveness.DEFAULT);
        IkeSaInfo info = get(p.initiate(p.initiator));
        assertTrue(!info.natDetected());
        p.scheduler.advance(EVERY.multipliedBy(5));
        assertEquals(0, p.network.keepalives().size());
    }
}
