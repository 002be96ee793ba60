package io.ikeseal.agent.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.ikeseal.agent.config.ExchangeSettings;
import io.ikeseal.agent.transport.IkeDatagram;
import io.ikeseal.agent.transport.IkeSender;
import io.ikeseal.agent.wire.IkeMessageCodec;
import io.ikeseal.hsm.api.DhGroup;

/**
 * Issue 9 item 6: per-peer state is bounded and expires. 100,000 distinct source addresses do not grow the
 * gateway's per-peer maps: a peer's reassembly budget goes with its last IKE SA, and the number of budgets is capped.
 */
class BoundedStateTest {
    private static final int SOURCES = 100_000;

    @Test
    void aHundredThousandSourcesLeaveNoPerPeerStateBehind() throws Exception {
        ExchangeSettings settings = ExchangeSettings.DEFAULT.withClosedLinger(Duration.ofSeconds(5));
        ExchangePair pair = new ExchangePair(
                settings,
                Set.of(DhGroup.ECP_256),
                List.of("aes256gcm16-prfsha256-ecp256"),
                List.of("aes256gcm16-prfsha256-ecp256"),
                1);
        // The real initiator's request (and its retransmissions) never arrive: only its octets are used, replayed.
        pair.network.on(p -> p.to().equals(ExchangePair.GATEWAY), Integer.MAX_VALUE, MemoryNetwork.Action.DROP);
        CompletableFuture<?> lost = pair.initiate();
        byte[] request = pair.network.log().getFirst().octets();
        IkeGateway gateway = pair.responder.gateway;
        List<Integer> peak = new ArrayList<>();
        int highest = 0;
        for (int i = 0; i < SOURCES; i++) {
            InetSocketAddress from = new InetSocketAddress(address(i), 500);
            gateway.listener()
                    .ikeSaInitRequest(
                            new IkeDatagram(
                                    IkeMessageCodec.decode(request), request, from, ExchangePair.GATEWAY, false),
                            discard(from));
            highest = Math.max(highest, gateway.reassemblyBudgets());
            if (i % 1_000 == 999) {
                // The half-open SAs of this round expire (RFC 7296 §2.4), their budgets with them.
                peak.add(gateway.reassemblyBudgets());
                pair.scheduler.advance(
                        settings.halfOpenTimeout().plus(settings.closedLinger()).plusSeconds(1));
            }
        }
        assertTrue(pair.responder.crypto.calls("ikeSaKeys") >= 100 * settings.cookieThreshold(), "SAs were keyed");
        assertTrue(highest <= settings.cookieThreshold(), "budgets at most the half-open SAs: " + highest);
        assertEquals(0, gateway.reassemblyBudgets());
        assertEquals(0, gateway.halfOpenCount());
        assertEquals(0, gateway.registeredSpis());
        assertEquals(SOURCES / 1_000, peak.size());
        assertTrue(pair.responder.events.stream().noneMatch("established"::equals));
        assertTrue(lost.isCompletedExceptionally(), "the initiator gave up");
    }

    @Test
    void budgetsAreForgottenWithTheirLastSaAndCappedForManyIpv6Senders() throws Exception {
        PeerReassemblyBudgets budgets = new PeerReassemblyBudgets(1_024, 4_096);
        List<PeerReassemblyBudgets.Lease> leases = new ArrayList<>();
        for (int i = 0; i < SOURCES; i++) {
            leases.add(budgets.acquire(ipv6(i)));
        }
        assertEquals(1_024, budgets.size(), "past the cap, new peers share the overflow budget");
        assertSame(leases.getLast().budget(), leases.get(SOURCES - 2).budget());

        PeerReassemblyBudgets.Lease second = budgets.acquire(ipv6(0));
        assertSame(leases.getFirst().budget(), second.budget(), "one budget per peer, shared by its SAs");
        leases.forEach(PeerReassemblyBudgets.Lease::release);
        assertEquals(1, budgets.size(), "the peer with an SA left keeps its budget");
        second.release();
        second.release();
        assertEquals(0, budgets.size());
    }

    private static IkeSender discard(InetSocketAddress to) {
        return new IkeSender() {
            @Override
            public InetSocketAddress local() {
                return ExchangePair.GATEWAY;
            }

            @Override
            public InetSocketAddress remote() {
                return to;
            }

            @Override
            public boolean natT() {
                return false;
            }

            @Override
            public CompletableFuture<Void> send(byte[] octets) {
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    private static InetAddress address(int i) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }

    private static InetAddress ipv6(int i) throws UnknownHostException {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[12] = (byte) (i >> 24);
        a[13] = (byte) (i >> 16);
        a[14] = (byte) (i >> 8);
        a[15] = (byte) i;
        return InetAddress.getByAddress(a);
    }
}
